using System.Collections.Concurrent;
using NUnit.Framework;
using NUnit.Framework.Interfaces;
using NUnit.Framework.Internal;

namespace BashCni.Harness.Reporting;

/// <summary>
/// The run state behind <see cref="WriteAllureResultsAttribute"/>: running tests by NUnit id, the results already
/// written, and the set-up/tear-down evidence of fixtures. Reporting problems are printed to stderr and never fail
/// a test.
/// </summary>
public static class NUnitAllureHook
{
    private static readonly ConcurrentDictionary<string, AllureTestCase> Running = new();
    private static readonly ConcurrentDictionary<string, string> Written = new();
    private static readonly ConcurrentDictionary<string, FixtureEvidence> Fixtures = new();
    private static readonly ConcurrentDictionary<string, byte> SuitesWithStartedTests = new();
    private static AllureResultsWriter? _writer;

    /// <summary>The writer in use, or null while no assembly with reporting on is running.</summary>
    public static AllureResultsWriter? Writer => Volatile.Read(ref _writer);

    internal static void AssemblyStarted(ITest assembly)
    {
        var writer = new AllureResultsWriter(AllureResultsWriter.DefaultDirectory());
        Volatile.Write(ref _writer, writer);
        Guard("environment", () => EnvironmentReport.Write(writer, NUnitResultMapper.LayerOf(assembly)));
    }

    internal static void TestStarted(ITest test)
    {
        var writer = Writer;
        if (writer is null) return;
        Guard(test.FullName, () =>
        {
            for (var t = test.Parent; t is not null; t = t.Parent) SuitesWithStartedTests.TryAdd(t.Id, 0);
            var testCase = new AllureTestCase(writer, NUnitResultMapper.Describe(test));
            testCase.Target.AddDefaultLabels(NUnitResultMapper.LabelsOf(test, ThreadLabel(test)));
            foreach (var link in NUnitResultMapper.LinksOf(test)) testCase.Target.AddLink(link);
            Running[test.Id] = testCase;
        });
    }

    internal static void TestFinished(ITest test)
    {
        if (!Running.TryRemove(test.Id, out var testCase)) return;
        Guard(test.FullName, () =>
        {
            var result = TestExecutionContext.CurrentContext.CurrentResult;
            AttachOutput(testCase.Target, result);
            var status = NUnitResultMapper.StatusOf(result.ResultState);
            if (NUnitResultMapper.CategoryLabelOf(test, status, result.Message, result.StackTrace) is { } category)
                testCase.Target.AddLabel(category);
            testCase.Finish(status, AllureStatusDetails.From(NUnitResultMapper.MessageOf(test, status, result.Message), result.StackTrace));
            Written[test.Id] = testCase.Result.Uuid;
        });
    }

    internal static void AssemblyFinished()
    {
        var writer = Writer;
        if (writer is null) return;
        Guard("assembly", () =>
        {
            foreach (var (id, testCase) in Running.ToArray())
            {
                if (!Running.TryRemove(id, out _)) continue;
                testCase.Finish(AllureStatus.Broken, new AllureStatusDetails("the test did not finish before its assembly ended", null));
                Written[id] = testCase.Result.Uuid;
            }
            var root = TestExecutionContext.CurrentContext.CurrentResult;
            WriteNotStarted(writer, root);
            WriteContainers(writer, root);
        });
        Volatile.Write(ref _writer, null);
    }

    // The timeline groups by host, then thread: "Netns #2" (the layer's process, NUnit's worker), short enough for
    // the timeline's lane titles.
    private static string ThreadLabel(ITest test) =>
        NUnitResultMapper.ThreadLabel(NUnitResultMapper.LayerOf(test), Thread.CurrentThread.Name, Environment.CurrentManagedThreadId);

    /// <summary>The evidence target of the current NUnit context: the running test, or a fixture's set-up/tear-down.</summary>
    internal static EvidenceTarget? CurrentTarget()
    {
        var writer = Writer;
        if (writer is null) return null;
        var test = TestExecutionContext.CurrentContext?.CurrentTest;
        if (test is null) return null;
        if (Running.TryGetValue(test.Id, out var testCase)) return testCase.Target;
        if (!test.IsSuite || test.TestType is "Assembly" or "ParameterizedMethod") return null;
        var fixture = Fixtures.GetOrAdd(test.Id, _ => new FixtureEvidence());
        return fixture.TargetFor(writer, tearDown: SuitesWithStartedTests.ContainsKey(test.Id));
    }

    /// <summary>Assertion failures recorded so far in the current NUnit result (Assert.Multiple records without throwing).</summary>
    internal static int FailedAssertionCount()
    {
        var result = TestExecutionContext.CurrentContext?.CurrentResult;
        return result is null ? 0 : result.AssertionResults.Count(a => a.Status is AssertionStatus.Failed or AssertionStatus.Error);
    }

    // Tests that never reached BeforeTest: [Ignore]d ones, and those whose fixture's one-time set-up failed.
    private static void WriteNotStarted(AllureResultsWriter writer, ITestResult node)
    {
        if (!node.Test.IsSuite)
        {
            if (Written.ContainsKey(node.Test.Id)) return;
            var result = NUnitResultMapper.Describe(node.Test);
            result.Start = AllureJson.ToEpochMs(node.StartTime);
            var testCase = new AllureTestCase(writer, result);
            testCase.Target.AddDefaultLabels(NUnitResultMapper.LabelsOf(node.Test, $"{NUnitResultMapper.LayerOf(node.Test)}: not started"));
            foreach (var link in NUnitResultMapper.LinksOf(node.Test)) testCase.Target.AddLink(link);
            AttachOutput(testCase.Target, node);
            var status = NUnitResultMapper.StatusOf(node.ResultState);
            if (NUnitResultMapper.CategoryLabelOf(node.Test, status, node.Message, node.StackTrace) is { } category)
                testCase.Target.AddLabel(category);
            testCase.Finish(status, AllureStatusDetails.From(NUnitResultMapper.MessageOf(node.Test, status, node.Message), node.StackTrace),
                Math.Max(result.Start, AllureJson.ToEpochMs(node.EndTime)));
            Written[node.Test.Id] = result.Uuid;
            return;
        }
        foreach (var child in node.Children) WriteNotStarted(writer, child);
    }

    private static void WriteContainers(AllureResultsWriter writer, ITestResult node)
    {
        if (node.Test.TestType is "TestFixture" or "GenericFixture" or "SetUpFixture")
        {
            var children = new List<ITestResult>();
            CollectTests(node, children);
            var uuids = children.Select(c => Written.GetValueOrDefault(c.Test.Id)).OfType<string>().ToList();
            if (uuids.Count > 0) writer.WriteContainer(BuildContainer(node, children, uuids));
        }
        foreach (var child in node.Children) WriteContainers(writer, child);
    }

    private static AllureContainer BuildContainer(ITestResult fixture, List<ITestResult> tests, List<string> uuids)
    {
        var start = AllureJson.ToEpochMs(fixture.StartTime);
        var stop = Math.Max(start, AllureJson.ToEpochMs(fixture.EndTime));
        var firstTest = tests.Select(t => AllureJson.ToEpochMs(t.StartTime)).DefaultIfEmpty(stop).Min();
        var lastTest = tests.Select(t => AllureJson.ToEpochMs(t.EndTime)).DefaultIfEmpty(start).Max();
        var container = new AllureContainer { Name = fixture.Test.FullName, Start = start, Stop = stop };
        container.Children.AddRange(uuids);

        Fixtures.TryGetValue(fixture.Test.Id, out var evidence);
        var setUps = MethodNames<OneTimeSetUpAttribute>(fixture.Test);
        var tearDowns = MethodNames<OneTimeTearDownAttribute>(fixture.Test);
        var site = fixture.ResultState.Site;
        // A fixture's own failing set-up or tear-down is shown once, as a result of its own in the fixture's suite;
        // in the container it would be copied as a red "Set up"/"Tear down" into every test of the fixture.
        if (setUps.Count > 0 || evidence?.SetUp is not null || site == FailureSite.SetUp)
        {
            var phase = Phase(evidence?.SetUp, setUps, "OneTimeSetUp", start, Math.Max(start, Math.Min(firstTest, stop)),
                site == FailureSite.SetUp ? fixture : null);
            if (site == FailureSite.SetUp) WriteFixturePhase(fixture, phase);
            else if (CarriesEvidence(phase)) container.Befores.Add(phase);
        }
        if (tearDowns.Count > 0 || evidence?.TearDown is not null || site == FailureSite.TearDown)
        {
            var phase = Phase(evidence?.TearDown, tearDowns, "OneTimeTearDown", Math.Min(Math.Max(lastTest, start), stop), stop,
                site == FailureSite.TearDown ? fixture : null);
            if (site == FailureSite.TearDown) WriteFixturePhase(fixture, phase);
            else if (CarriesEvidence(phase)) container.Afters.Add(phase);
        }
        return container;
    }

    /// <summary>
    /// Writes a fixture's failed one-time set-up or tear-down as one result of its own (label <c>fixturePhase</c>),
    /// named "&lt;Fixture&gt;: OneTimeTearDown: Method", with the phase's steps, attachments and failure.
    /// </summary>
    private static void WriteFixturePhase(ITestResult fixture, AllureStep phase)
    {
        var writer = Writer;
        if (writer is null) return;
        var fullName = $"{fixture.Test.FullName}.{phase.Name.Split(':')[0]}";
        var result = new AllureResult
        {
            Name = $"{fixture.Test.Name}: {phase.Name}",
            FullName = fullName,
            HistoryId = NUnitResultMapper.HistoryId(fullName, NUnitResultMapper.ClusterTargetParameters(fixture.Test)),
            TestCaseId = NUnitResultMapper.HistoryId(fullName, []),
            Start = phase.Start,
        };
        result.TitlePath.Add(NUnitResultMapper.LayerOf(fixture.Test));
        result.TitlePath.Add(fixture.Test.Name);
        result.Steps.AddRange(phase.Steps);
        result.Attachments.AddRange(phase.Attachments);
        result.Parameters.AddRange(phase.Parameters);
        result.Parameters.AddRange(NUnitResultMapper.ClusterTargetParameters(fixture.Test));
        var testCase = new AllureTestCase(writer, result);
        testCase.Target.AddDefaultLabels(NUnitResultMapper.LabelsOf(fixture.Test, NUnitResultMapper.ThreadLabel(NUnitResultMapper.LayerOf(fixture.Test), Thread.CurrentThread.Name, Environment.CurrentManagedThreadId)));
        testCase.Target.AddLabel(new AllureLabel(FixturePhaseLabel, phase.Name.Split(':')[0]));
        foreach (var link in NUnitResultMapper.LinksOf(fixture.Test)) testCase.Target.AddLink(link);
        var status = phase.Status ?? AllureStatus.Broken;
        if (NUnitResultMapper.CategoryLabelOf(fixture.Test, status, fixture.Message, fixture.StackTrace) is { } category)
            testCase.Target.AddLabel(category);
        testCase.Finish(status, phase.StatusDetails, Math.Max(phase.Start, phase.Stop));
    }

    /// <summary>
    /// Whether a fixture's set-up or tear-down is worth showing on each of its tests: it recorded steps or attachments,
    /// or it did not pass. A passed one that recorded nothing ("OneTimeSetUp: StartAsync", green) would be copied into
    /// every test of the fixture (the whole layer, for the layer's set-up fixture) and tell a reader nothing.
    /// </summary>
    public static bool CarriesEvidence(AllureStep phase) =>
        phase.Steps.Count > 0 || phase.Attachments.Count > 0 || phase.Status != AllureStatus.Passed;

    /// <summary>Label of a result that stands for a fixture's failed OneTimeSetUp/OneTimeTearDown rather than a test.</summary>
    public const string FixturePhaseLabel = "fixturePhase";

    private static AllureStep Phase(EvidenceTarget? recorded, List<string> methods, string kind, long start, long stop, ITestResult? failed)
    {
        var step = recorded?.Root as AllureStep ?? new AllureStep();
        var status = failed is null ? AllureStatus.Passed : NUnitResultMapper.StatusOf(failed.ResultState);
        var details = failed is null ? null : AllureStatusDetails.From(failed.Message, failed.StackTrace);
        var name = methods.Count > 0 ? $"{kind}: {string.Join(", ", methods)}" : kind;
        if (recorded is null)
        {
            step.Name = name;
            step.Start = start;
            step.Status = status;
            step.StatusDetails = details;
            step.Stage = AllureStage.Finished;
            step.Stop = Math.Max(start, stop);
            return step;
        }
        recorded.Finish(status, details, Math.Max(step.Start, stop), root =>
        {
            root.Name = name;
            root.Start = Math.Min(root.Start, start);
        });
        return step;
    }

    private static List<string> MethodNames<TAttribute>(ITest fixture) where TAttribute : class =>
        fixture.TypeInfo?.GetMethodsWithAttribute<TAttribute>(true).Select(m => m.Name).ToList() ?? [];

    private static void CollectTests(ITestResult node, List<ITestResult> into)
    {
        foreach (var child in node.Children)
        {
            if (child.Test.IsSuite) CollectTests(child, into);
            else into.Add(child);
        }
    }

    private static void AttachOutput(EvidenceTarget target, ITestResult result)
    {
        // Output that repeats an attachment (a node's evidence is printed and attached) refers to it instead.
        if (!string.IsNullOrWhiteSpace(result.Output))
            target.AddAttachment(null, target.Writer.WriteAttachment("Test output",
                EvidenceCompaction.WithoutRepeatedAttachments(result.Output, target.Root, target.Writer), "text/plain", "txt"));
        foreach (var file in result.TestAttachments)
        {
            if (!File.Exists(file.FilePath)) continue;
            var extension = Path.GetExtension(file.FilePath).TrimStart('.');
            target.AddAttachment(null, target.Writer.WriteAttachment(file.Description ?? Path.GetFileName(file.FilePath),
                File.ReadAllBytes(file.FilePath), MimeTypes.ForExtension(extension), extension.Length > 0 ? extension : "txt"));
        }
    }

    private static void Guard(string what, Action action)
    {
        try
        {
            action();
        }
        catch (Exception exception)
        {
            Console.Error.WriteLine($"allure results: could not record {what}: {exception.Message}");
        }
    }

    /// <summary>A fixture's one-time set-up and tear-down results, created when evidence is first left in them.</summary>
    private sealed class FixtureEvidence
    {
        private readonly Lock _gate = new();

        public EvidenceTarget? SetUp { get; private set; }

        public EvidenceTarget? TearDown { get; private set; }

        public EvidenceTarget TargetFor(AllureResultsWriter writer, bool tearDown)
        {
            lock (_gate)
            {
                if (tearDown)
                    return TearDown ??= new EvidenceTarget(new AllureStep { Name = "OneTimeTearDown", Start = AllureJson.Now() }, writer);
                return SetUp ??= new EvidenceTarget(new AllureStep { Name = "OneTimeSetUp", Start = AllureJson.Now() }, writer);
            }
        }
    }
}
