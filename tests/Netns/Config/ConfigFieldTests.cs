using BashCni.Tests.Netns.Support;

namespace BashCni.Tests.Netns.Config;

/// <summary>Every configuration field the plugin's README documents takes effect, in every form it is accepted in.</summary>
[TestFixture]
[Category("Netns")]
[Parallelizable(ParallelScope.All)]
public sealed class ConfigFieldTests
{
    public static IEnumerable<TestCaseData> Cases =>
        ConfigFieldTable.All.Select(c => new TestCaseData(c).SetArgDisplayNames(c.ToString()));

    /// <summary>The README's fields and forms are exactly the table's: a field documented without a test fails here.</summary>
    [Test]
    public void TableCoversEveryReadmeField()
    {
        var documented = ReadmeFields.Parse(File.ReadAllText(ReadmeFields.ReadmePath));
        var tested = ConfigFieldTable.All.Select(c => (c.Field, c.Form)).ToHashSet();
        Assert.Multiple(() =>
        {
            Assert.That(documented, Is.Not.Empty, "no fields read from " + ReadmeFields.ReadmePath);
            Assert.That(documented.Except(tested).Select(x => $"{x.Field}@{x.Form}"), Is.Empty,
                $"fields/forms documented in {ReadmeFields.ReadmePath} without a row in {nameof(ConfigFieldTable)}");
            Assert.That(tested.Except(documented).Select(x => $"{x.Field}@{x.Form}"), Is.Empty,
                $"rows of {nameof(ConfigFieldTable)} for fields/forms the README does not document");
        });
    }

    [TestCaseSource(nameof(Cases))]
    public Task FieldTakesEffect(ConfigFieldCase field) => TestNode.RunAsync(async node =>
    {
        ArgumentNullException.ThrowIfNull(field);
        if (!node.Profile.IsBashCni)
            Assert.Ignore($"the fields are bash-cni's (src/Plugin/README.md); profile '{node.Profile.Name}' documents its own");
        var verdict = await field.Check(new FieldForms(node, field.Form));
        await TestContext.Out.WriteLineAsync($"{field}: {field.Effect}\n{verdict}");
        verdict.AssertPassed();
    });
}
