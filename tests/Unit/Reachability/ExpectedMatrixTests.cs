using NUnit.Framework;
using BashCni.Harness;
using BashCni.Harness.Reachability;

namespace BashCni.Tests.Unit.Reachability;

[TestFixture]
[Category("Unit")]
[Category(BashCni.Harness.Layers.QuickRun.Category)]
public sealed class ExpectedMatrixTests
{
    private static readonly string[] LabPods = ["nginx-worker-1", "bash-worker-1", "nginx-worker-2", "bash-worker-2"];

    private const string Valid = """
        stage: demo
        nodes: [worker-1, worker-2]
        sources: [a, b]
        targets:
          own-bridge: true
          pod:b: false
          node:worker-2: false
          outside: false
          http:a: true
        """;

    [Test]
    public void LabFixture_OnlyTheOwnBridgeIsReachable()
    {
        var lab = ExpectedMatrix.Load(RepoPaths.Fixture("reachability", "lab.yaml"));

        Assert.Multiple(() =>
        {
            Assert.That(lab.Stage, Is.EqualTo("lab"));
            Assert.That(lab.Sources, Is.EqualTo(LabPods));
            Assert.That(lab.Nodes, Is.EqualTo(new[] { "master", "worker-1", "worker-2" }));
            Assert.That(lab.Targets.Select(t => t.Kind).Distinct(), Is.EquivalentTo(Enum.GetValues<TargetKind>()),
                "every kind of target is probed");
            foreach (var (source, target, value) in lab.Matrix.Cells)
                Assert.That(value, Is.EqualTo(target == "own-bridge" ? Reach.Yes : Reach.No), $"{source} -> {target}");
        });
    }

    [Test]
    public void RoutedFixture_EverythingIsReachable()
    {
        var routed = ExpectedMatrix.ForStage("routed");
        var lab = ExpectedMatrix.ForStage("lab");

        Assert.Multiple(() =>
        {
            Assert.That(routed.Stage, Is.EqualTo("routed"));
            Assert.That(routed.Matrix.Cells.Select(c => c.Value), Is.All.EqualTo(Reach.Yes));
            Assert.That(routed.Targets.Select(t => t.Text), Is.EqualTo(lab.Targets.Select(t => t.Text)), "both stages probe the same columns");
            Assert.That(routed.Sources, Is.EqualTo(lab.Sources));
        });
    }

    [Test]
    public void Parse_KeepsColumnOrderAndValues()
    {
        var m = ExpectedMatrix.Parse(Valid, "demo.yaml");

        Assert.Multiple(() =>
        {
            Assert.That(m.Targets.Select(t => t.Text), Is.EqualTo(new[] { "own-bridge", "pod:b", "node:worker-2", "outside", "http:a" }));
            Assert.That(m.Matrix["a", "own-bridge"], Is.EqualTo(Reach.Yes));
            Assert.That(m.Matrix["b", "pod:b"], Is.EqualTo(Reach.No));
            Assert.That(m.Matrix["b", "http:a"], Is.EqualTo(Reach.Yes));
            Assert.That(m.Origin, Is.EqualTo("demo.yaml"));
        });
    }

    [Test]
    public void Exceptions_OverrideSingleCells()
    {
        var m = ExpectedMatrix.Parse(Valid + "\nexceptions:\n  - {source: b, target: outside, reachable: true, why: test}\n");

        Assert.Multiple(() =>
        {
            Assert.That(m.Matrix["b", "outside"], Is.EqualTo(Reach.Yes));
            Assert.That(m.Matrix["a", "outside"], Is.EqualTo(Reach.No));
        });
    }

    [TestCase("pods:b", "unknown target 'pods:b'")]
    [TestCase("bridge", "unknown target 'bridge'")]
    [TestCase("pod:", "needs a name after 'pod:'")]
    public void UnknownTargetName_IsReportedWithLineAndTheAcceptedForms(string target, string expected)
    {
        var yaml = Valid.Replace("outside: false", target + ": false", StringComparison.Ordinal);

        var e = Assert.Throws<InvalidDataException>(() => ExpectedMatrix.Parse(yaml, "bad.yaml"));

        Assert.That(e!.Message, Does.StartWith("bad.yaml:8:").And.Contain(expected).And.Contain(ProbeTarget.Forms));
    }

    [TestCase("pod:c", "names pod 'c', which is not under 'sources'")]
    [TestCase("http:zz", "names pod 'zz', which is not under 'sources'")]
    [TestCase("node:master", "names node 'master', which is not under 'nodes'")]
    public void TargetNamingAnUnknownPodOrNode_IsRejected(string target, string expected)
    {
        var yaml = Valid.Replace("outside: false", target + ": false", StringComparison.Ordinal);

        var e = Assert.Throws<InvalidDataException>(() => ExpectedMatrix.Parse(yaml, "bad.yaml"));

        Assert.That(e!.Message, Does.Contain(expected));
    }

    [TestCase("outside: false", "outside: maybe", "the value of target 'outside' must be true or false, not 'maybe'")]
    [TestCase("outside: false", "outside: false\n  own-bridge: false", "own-bridge")]
    [TestCase("sources: [a, b]\n", "", "missing 'sources'")]
    [TestCase("sources: [a, b]", "sources: [a, a]", "'a' is listed twice under 'sources'")]
    [TestCase("stage: demo", "stage: Demo Stage", "stage 'Demo Stage'")]
    [TestCase("stage: demo", "stage: demo\nexpect: {}", "unknown key 'expect'")]
    [TestCase("targets:", "targets: []\nold:", "unknown key 'old'")]
    [TestCase("sources: [a, b]", "sources: [a, b", "not valid YAML")]
    public void MalformedFiles_AreRejectedWithAClearMessage(string find, string replace, string expected)
    {
        var yaml = Valid.Replace(find, replace, StringComparison.Ordinal);

        var e = Assert.Throws<InvalidDataException>(() => ExpectedMatrix.Parse(yaml, "bad.yaml"));

        Assert.That(e!.Message, Does.StartWith("bad.yaml:").And.Contain(expected));
    }

    [Test]
    public void TargetsMustBeAMapping()
    {
        var yaml = "stage: x\nnodes: [n]\nsources: [a]\ntargets: [own-bridge]\n";

        var e = Assert.Throws<InvalidDataException>(() => ExpectedMatrix.Parse(yaml, "bad.yaml"));

        Assert.That(e!.Message, Does.Contain("'targets' must be a non-empty mapping"));
    }

    [TestCase("{source: zz, target: outside, reachable: true}", "unknown source 'zz'")]
    [TestCase("{source: a, target: same-node-pod, reachable: true}", "'same-node-pod' is not one of the columns")]
    [TestCase("{source: a, target: outside}", "needs 'reachable: true|false'")]
    [TestCase("{source: a, target: outside, reachable: true, because: x}", "unknown key 'because'")]
    public void BadExceptions_AreRejected(string exception, string expected)
    {
        var e = Assert.Throws<InvalidDataException>(() => ExpectedMatrix.Parse(Valid + "\nexceptions:\n  - " + exception + "\n", "bad.yaml"));

        Assert.That(e!.Message, Does.Contain(expected));
    }

    [Test]
    public void Load_MissingFile_NamesThePath()
    {
        var path = Path.Combine(Path.GetTempPath(), "no-such-stage-" + Guid.NewGuid().ToString("N") + ".yaml");

        var e = Assert.Throws<FileNotFoundException>(() => ExpectedMatrix.Load(path));

        Assert.That(e!.Message, Does.Contain(path));
    }
}
