using NUnit.Framework;
using BashCni.Harness.Reachability;

namespace BashCni.Tests.Unit.Reachability;

[TestFixture]
[Category("Unit")]
public sealed class ProbeTargetTests
{
    [TestCase("own-bridge", TargetKind.OwnBridge, null, ProbeProtocol.Icmp)]
    [TestCase("same-node-pod", TargetKind.SameNodePod, null, ProbeProtocol.Icmp)]
    [TestCase("outside", TargetKind.Outside, null, ProbeProtocol.Icmp)]
    [TestCase("pod:nginx-worker-2", TargetKind.Pod, "nginx-worker-2", ProbeProtocol.Icmp)]
    [TestCase("node:kind-worker2", TargetKind.Node, "kind-worker2", ProbeProtocol.Icmp)]
    [TestCase("http:nginx-worker-1", TargetKind.Http, "nginx-worker-1", ProbeProtocol.Http)]
    public void Parse_KnownForms(string text, TargetKind kind, string? name, ProbeProtocol protocol)
    {
        var target = ProbeTarget.Parse(text);

        Assert.Multiple(() =>
        {
            Assert.That(target.Kind, Is.EqualTo(kind));
            Assert.That(target.Name, Is.EqualTo(name));
            Assert.That(target.Protocol, Is.EqualTo(protocol));
            Assert.That(target.Text, Is.EqualTo(text), "round trip");
        });
    }

    [TestCase("")]
    [TestCase("own_bridge")]
    [TestCase("pods:nginx")]
    [TestCase("pod:")]
    [TestCase("node:-x")]
    [TestCase("http:a b")]
    [TestCase("ip:10.0.0.1")]
    public void Parse_RejectsOtherText_NamingTheAcceptedForms(string text)
    {
        var e = Assert.Throws<FormatException>(() => ProbeTarget.Parse(text));

        Assert.That(e!.Message, Does.Contain(ProbeTarget.Forms));
    }
}
