using System.Collections;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using NUnit.Framework.Interfaces;

namespace BashCni.Harness.Reporting;

/// <summary>
/// Turns NUnit's view of a test (its place in the tree, categories, properties, arguments, outcome) into the
/// Allure result's names, ids, labels, parameters and status.
/// </summary>
public static partial class NUnitResultMapper
{
    /// <summary>The layers of the harness, as NUnit categories.</summary>
    public static readonly IReadOnlyList<string> Layers = ["Unit", "Netns", "Cluster"];

    private const string TestsNamespace = "BashCni.Tests.";

    /// <summary>A new result for the test, with everything known before it runs (labels are returned separately).</summary>
    public static AllureResult Describe(ITest test)
    {
        ArgumentNullException.ThrowIfNull(test);
        var parameters = ParametersOf(test).Concat(ClusterTargetParameters(test)).ToList();
        var result = new AllureResult
        {
            Name = DisplayName(test),
            FullName = test.FullName,
            HistoryId = HistoryId(test.FullName, parameters),
            TestCaseId = TestCaseId(test),
            Description = DescriptionOf(test),
            TitlePath = { },
        };
        result.TitlePath.AddRange(TitlePath(test));
        result.Parameters.AddRange(parameters);
        return result;
    }

    /// <summary>Longest test name the report shows; a longer parameterised name is shortened (<see cref="DisplayName"/>).</summary>
    public const int NameLimit = 100;

    /// <summary>
    /// The name the report shows: NUnit's, unless a parameterised test's arguments make it longer than
    /// <see cref="NameLimit"/> — then the method with each argument cut to a few characters
    /// (<c>BrokenHistoryCarryingIsCaught("      - name: Keep th…", "…")</c>); the whole values stay in the parameters.
    /// </summary>
    public static string DisplayName(ITest test)
    {
        ArgumentNullException.ThrowIfNull(test);
        if (test.Name.Length <= NameLimit || test.IsSuite || test.Arguments.Length == 0 || test.MethodName is not { } method) return test.Name;
        var perArgument = Math.Max(8, (NameLimit - method.Length - 2) / test.Arguments.Length - 2);
        var args = test.Arguments.Select(a => Cut(a is string s ? "\"" + WhiteSpace().Replace(s, " ").Trim() + "\"" : FormatValue(a), perArgument));
        var name = $"{method}({string.Join(", ", args)})";
        return name.Length <= NameLimit ? name : name[..(NameLimit - 2)] + "…)";
    }

    private static string Cut(string text, int max) => text.Length <= max ? text : text[..(max - 1)] + "…";

    /// <summary>
    /// Labels computed from the test: the tree (parentSuite = layer, suite = fixture, subSuite = method for
    /// parameterized tests), the <c>layer</c>, one behaviour taxonomy (epic = layer, feature = area — the namespace
    /// below the layer, or the fixture for fixtures directly in the layer —, story = behaviour: [Story], else
    /// [Feature], else the fixture, or the test method when the fixture is the feature), severity (attribute, else <see cref="ReportRules.SeverityOf"/>), a tag per
    /// category (and per [Epic]), and where it ran.
    /// </summary>
    public static IReadOnlyList<AllureLabel> LabelsOf(ITest test, string thread)
    {
        ArgumentNullException.ThrowIfNull(test);
        var layer = LayerOf(test);
        var fixture = FixtureOf(test);
        var className = test.ClassName ?? fixture?.ClassName ?? "";
        var ns = NamespaceOf(className);
        var area = AreaOf(ns, layer);
        var fixtureName = fixture?.Name ?? ShortName(className);
        var labels = new List<AllureLabel>
        {
            new(AllureLabels.ParentSuite, layer),
            new(AllureLabels.Suite, fixtureName),
        };
        if (test.Parent is { } parent && parent.TestType == "ParameterizedMethod")
            labels.Add(new(AllureLabels.SubSuite, parent.Name));
        labels.Add(new(AllureLabels.Layer, layer));
        if (ClusterTargetOf(test) is { } target) labels.Add(new(ClusterTargetLabel, target));
        if (ProfileOf(test) is { } profile) labels.Add(new(ProfileLabel, profile));

        var topic = Humanize(fixtureName);
        var stories = PropertyValues(test, StoryAttribute.PropertyName);
        if (stories.Count == 0) stories = PropertyValues(test, FeatureAttribute.PropertyName);
        labels.Add(new(AllureLabels.Epic, $"{layer} layer"));
        labels.Add(new(AllureLabels.Feature, area ?? topic));
        // A fixture directly in the layer is already the feature: its tests (methods) are the behaviours.
        var behaviour = area is null && (test.Parent?.TestType == "ParameterizedMethod" ? test.Parent.Name : test.MethodName) is { } methodName
            ? Humanize(methodName)
            : topic;
        labels.AddRange((stories.Count > 0 ? stories : [behaviour]).Select(v => new AllureLabel(AllureLabels.Story, v)));

        var severity = PropertyValues(test, SeverityAttribute.PropertyName).FirstOrDefault()
                       ?? ReportRules.SeverityOf(layer, area, ShortName(className));
        labels.Add(new(AllureLabels.Severity, severity));
        labels.AddRange(CategoriesOf(test).Concat(PropertyValues(test, EpicAttribute.PropertyName)).Distinct(StringComparer.Ordinal)
            .Select(c => new AllureLabel(AllureLabels.Tag, c)));
        labels.Add(new(AllureLabels.Host, Environment.MachineName));
        labels.Add(new(AllureLabels.Thread, thread));
        labels.Add(new(AllureLabels.Framework, "nunit"));
        labels.Add(new(AllureLabels.Language, "csharp"));
        if (ns.Length > 0) labels.Add(new(AllureLabels.Package, ns));
        if (className.Length > 0) labels.Add(new(AllureLabels.TestClass, className));
        if (test.MethodName is { } method) labels.Add(new(AllureLabels.TestMethod, method));
        return labels;
    }

    /// <summary>
    /// The thread label (a timeline lane): the layer and NUnit's worker, short — "Netns #2" for ParallelWorker#2,
    /// "Netns serial" for a NonParallelWorker, "Netns t14" for any other thread; the cluster layer's lanes read "Kube t14".
    /// </summary>
    public static string ThreadLabel(string layer, string? threadName, int threadId)
    {
        var worker = threadName switch
        {
            { } n when n.StartsWith("ParallelWorker#", StringComparison.Ordinal) => "#" + n["ParallelWorker#".Length..],
            { } n when n.StartsWith("NonParallelWorker", StringComparison.Ordinal) => "serial",
            _ => "t" + threadId.ToString(CultureInfo.InvariantCulture),
        };
        // Allure 3.18's timeline cuts a lane title past about ten characters ("Cluste... t14"): the cluster layer's
        // lanes read "Kube" (its pods, nodes and API), the other layers' names are short already.
        var lane = layer == "Cluster" ? "Kube" : layer;
        return $"{lane} {worker}";
    }

    /// <summary>The CNI spec section the test's fixture checks, and the test's source file (<see cref="ReportRules"/>).</summary>
    public static IReadOnlyList<AllureLink> LinksOf(ITest test)
    {
        ArgumentNullException.ThrowIfNull(test);
        var className = test.ClassName ?? FixtureOf(test)?.ClassName ?? "";
        var links = new List<AllureLink>();
        if (ReportRules.SpecLinkOf(ShortName(className)) is { } spec) links.Add(spec);
        if (ReportRules.SourceLinkOf(className) is { } source) links.Add(source);
        return links;
    }

    /// <summary>The <see cref="ReportRules.CategoryLabel"/> of a finished test, or null when it passed.</summary>
    public static AllureLabel? CategoryLabelOf(ITest test, AllureStatus status, string? message, string? trace)
    {
        ArgumentNullException.ThrowIfNull(test);
        if (status == AllureStatus.Skipped && ExpectedSkips.ReasonFor(test.FullName) is not null)
            return new AllureLabel(ReportRules.CategoryLabel, ReportRules.ExpectedSkip);
        var layer = LayerOf(test);
        var className = test.ClassName ?? FixtureOf(test)?.ClassName ?? "";
        var category = ReportRules.CategoryOf(status, layer, AreaOf(NamespaceOf(className), layer), ShortName(className),
            PropertyValues(test, KnownIssueAttribute.PropertyName).Count > 0, message, trace);
        return category is null ? null : new AllureLabel(ReportRules.CategoryLabel, category);
    }

    /// <summary>
    /// The message a result carries: for a skip fixtures/expected-skips allows, its reason first
    /// ("expected skip (fixtures/expected-skips): …"), then the test's own message.
    /// </summary>
    public static string? MessageOf(ITest test, AllureStatus status, string? message)
    {
        ArgumentNullException.ThrowIfNull(test);
        if (status != AllureStatus.Skipped || ExpectedSkips.ReasonFor(test.FullName) is not { } reason) return message;
        return $"expected skip (fixtures/expected-skips): {reason}" + (string.IsNullOrWhiteSpace(message) ? "" : "\n" + message);
    }

    /// <summary>
    /// passed; skipped (ignored, explicit, skipped); failed when an assertion failed (in the test, its set-up or
    /// tear-down); broken for an exception, an invalid test, a cancelled run, and for Inconclusive and Warning —
    /// a test that reached no verdict must not read as green.
    /// </summary>
    public static AllureStatus StatusOf(ResultState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        return state.Status switch
        {
            TestStatus.Passed => AllureStatus.Passed,
            TestStatus.Skipped => AllureStatus.Skipped,
            TestStatus.Failed when state.Label.Length == 0 && state.Site != FailureSite.Parent => AllureStatus.Failed,
            _ => AllureStatus.Broken,
        };
    }

    /// <summary>The layer from the categories (Unit, Netns, Cluster), else from the assembly name BashCni.Tests.&lt;Layer&gt;.</summary>
    public static string LayerOf(ITest test)
    {
        ArgumentNullException.ThrowIfNull(test);
        foreach (var category in CategoriesOf(test))
        {
            var layer = Layers.FirstOrDefault(l => string.Equals(l, category, StringComparison.OrdinalIgnoreCase));
            if (layer is not null) return layer;
        }
        for (var t = test; t is not null; t = t.Parent)
        {
            if (t.TestType != "Assembly") continue;
            var assembly = Path.GetFileNameWithoutExtension(t.Name);
            if (assembly.StartsWith(TestsNamespace, StringComparison.Ordinal)) return assembly[TestsNamespace.Length..];
            return assembly;
        }
        return "Tests";
    }

    /// <summary>Categories of the test and everything above it, nearest first, without repeats.</summary>
    public static IReadOnlyList<string> CategoriesOf(ITest test) => PropertyValues(test, "Category");

    /// <summary>The test's arguments, named after the method's parameters (and the fixture's, prefixed "fixture.").</summary>
    public static IReadOnlyList<AllureParameter> ParametersOf(ITest test)
    {
        ArgumentNullException.ThrowIfNull(test);
        var parameters = new List<AllureParameter>();
        if (FixtureOf(test) is { Arguments.Length: > 0 } fixture)
            for (var i = 0; i < fixture.Arguments.Length; i++)
                parameters.Add(new($"fixture.arg{i}", FormatValue(fixture.Arguments[i])));
        if (test.IsSuite || test.Arguments.Length == 0) return parameters;
        var names = test.Method?.GetParameters().Select(p => p.ParameterInfo.Name ?? $"arg{p.ParameterInfo.Position}").ToArray() ?? [];
        for (var i = 0; i < test.Arguments.Length; i++)
            parameters.Add(new(i < names.Length ? names[i] : $"arg{i}", FormatValue(test.Arguments[i])));
        return parameters;
    }

    /// <summary>The label naming the cluster target a cluster-layer result ran on (local, local-api, kind, …).</summary>
    public const string ClusterTargetLabel = "clusterTarget";

    /// <summary>The cluster target of a Cluster-layer test (BASHCNI_CLUSTER_TARGET, default local), else null.</summary>
    public static string? ClusterTargetOf(ITest test) =>
        LayerOf(test) == "Cluster" ? Cluster.ClusterFactory.TargetFromEnvironment() : null;

    /// <summary>The label naming the plugin profile a Netns-layer result ran with, when it is not the default bash-cni.</summary>
    public const string ProfileLabel = "profile";

    /// <summary>The plugin profile of a Netns-layer test (BASHCNI_PROFILE) when one other than bash-cni is chosen, else null.</summary>
    public static string? ProfileOf(ITest test) =>
        LayerOf(test) == "Netns" && HarnessEnvironment.Get("PROFILE") is { Length: > 0 } p && p != "bash-cni"
            ? (p.EndsWith(".json", StringComparison.Ordinal) ? Path.GetFileNameWithoutExtension(p) : p)
            : null;

    /// <summary>A Cluster-layer test's target as a parameter ("cluster target"), a Netns-layer test's profile other than
    /// bash-cni as a parameter ("profile"): the same test on two targets or profiles is two results with their own history.</summary>
    public static IReadOnlyList<AllureParameter> ClusterTargetParameters(ITest test)
    {
        var parameters = new List<AllureParameter>();
        if (ClusterTargetOf(test) is { } target) parameters.Add(new AllureParameter("cluster target", target));
        if (ProfileOf(test) is { } profile) parameters.Add(new AllureParameter("profile", profile));
        return parameters;
    }

    /// <summary>Stable per test and argument set: different [TestCase]s of one method never share it.</summary>
    public static string HistoryId(string fullName, IEnumerable<AllureParameter> parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        var key = new StringBuilder(fullName);
        foreach (var p in parameters) key.Append('\n').Append(p.Name).Append('=').Append(p.Value);
        return Hash(key.ToString());
    }

    /// <summary>Stable per test method: class and method name, without arguments.</summary>
    public static string TestCaseId(ITest test)
    {
        ArgumentNullException.ThrowIfNull(test);
        var method = test.MethodName is null ? test.FullName : $"{test.ClassName}.{test.MethodName}";
        return Hash(method);
    }

    public static string FormatValue(object? value) => value switch
    {
        null => "null",
        string s => s,
        bool b => b ? "true" : "false",
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        IEnumerable e => "[" + string.Join(", ", e.Cast<object?>().Select(FormatValue)) + "]",
        _ => value.ToString() ?? "",
    };

    internal static ITest? FixtureOf(ITest test)
    {
        for (var t = test; t is not null; t = t.Parent)
            if (t.TestType is "TestFixture" or "GenericFixture" or "SetUpFixture") return t;
        return null;
    }

    private static IReadOnlyList<string> TitlePath(ITest test)
    {
        var layer = LayerOf(test);
        var fixture = FixtureOf(test);
        var className = test.ClassName ?? fixture?.ClassName ?? "";
        var path = new List<string> { layer };
        if (AreaOf(NamespaceOf(className), layer) is { } area) path.AddRange(area.Split('.'));
        path.Add(fixture?.Name ?? ShortName(className));
        if (test.Parent is { TestType: "ParameterizedMethod" } method) path.Add(method.Name);
        return path;
    }

    private static string? DescriptionOf(ITest test)
    {
        for (var t = test; t is not null && !(t.IsSuite && t.TestType != "ParameterizedMethod"); t = t.Parent)
            if (t.Properties.Get("Description") is string description && description.Length > 0) return description;
        return null;
    }

    private static List<string> PropertyValues(ITest test, string key)
    {
        var values = new List<string>();
        for (var t = test; t is not null; t = t.Parent)
            if (t.Properties.ContainsKey(key))
                foreach (var value in t.Properties[key])
                    if (value?.ToString() is { Length: > 0 } text && !values.Contains(text)) values.Add(text);
        return values;
    }

    private static string NamespaceOf(string className)
    {
        var cut = className.LastIndexOf('.');
        return cut < 0 ? "" : className[..cut];
    }

    private static string ShortName(string className)
    {
        var cut = className.LastIndexOf('.');
        return cut < 0 ? className : className[(cut + 1)..];
    }

    // BashCni.Tests.Unit.Ipam.Store → "Ipam.Store"; null when the fixture sits directly in the layer's namespace.
    private static string? AreaOf(string ns, string layer)
    {
        var prefix = TestsNamespace + layer + ".";
        if (ns.StartsWith(prefix, StringComparison.Ordinal)) return ns[prefix.Length..];
        return null;
    }

    // "IpamAllocationTests" → "Ipam Allocation"
    private static string Humanize(string fixtureName)
    {
        var name = fixtureName;
        var generic = name.IndexOfAny(['<', '(']);
        if (generic > 0) name = name[..generic];
        if (name.EndsWith("Tests", StringComparison.Ordinal) && name.Length > 5) name = name[..^5];
        else if (name.EndsWith("Test", StringComparison.Ordinal) && name.Length > 4) name = name[..^4];
        var sb = new StringBuilder(name.Length + 8);
        for (var i = 0; i < name.Length; i++)
        {
            if (i > 0 && char.IsUpper(name[i]) && (char.IsLower(name[i - 1]) || char.IsDigit(name[i - 1]))) sb.Append(' ');
            sb.Append(name[i]);
        }
        return sb.ToString();
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"\s+")]
    private static partial System.Text.RegularExpressions.Regex WhiteSpace();

    private static string Hash(string text) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)))[..32];
}
