using NUnit.Framework;
using BashCni.Harness;

namespace BashCni.Tests.Unit.Infra;

/// <summary>One prefix for harness settings: BASHCNI_*, with the older names still read as aliases.</summary>
[TestFixture]
[Category("Unit")]
public sealed class HarnessEnvironmentTests
{
    private static Func<string, string?> Env(params (string Key, string Value)[] values)
    {
        var map = values.ToDictionary(v => v.Key, v => v.Value, StringComparer.Ordinal);
        return key => map.GetValueOrDefault(key);
    }

    [Test]
    public void TheOldPluginDirNameIsStillRead() =>
        Assert.That(HarnessEnvironment.Get("PLUGIN_DIR", Env(("BASH_CNI_PLUGIN_DIR", "/old"))), Is.EqualTo("/old"));

    [Test]
    public void TheNewNameWinsOverItsAlias() =>
        Assert.That(HarnessEnvironment.Get("PLUGIN_DIR", Env(("BASH_CNI_PLUGIN_DIR", "/old"), ("BASHCNI_PLUGIN_DIR", "/new"))),
            Is.EqualTo("/new"));

    [Test]
    public void ABlankValueCountsAsUnset()
    {
        Assert.That(HarnessEnvironment.Get("PLUGIN_DIR", Env(("BASHCNI_PLUGIN_DIR", " "), ("BASH_CNI_PLUGIN_DIR", "/old"))), Is.EqualTo("/old"));
        Assert.That(HarnessEnvironment.Get("PROFILE", Env(("BASHCNI_PROFILE", ""))), Is.Null);
    }

    [Test]
    public void EveryAliasIsAnOlderNameOfAPrefixedSetting() =>
        Assert.That(HarnessEnvironment.Aliases.Values, Has.None.StartsWith(HarnessEnvironment.Prefix));
}
