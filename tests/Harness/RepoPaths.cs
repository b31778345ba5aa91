namespace BashCni.Harness;

/// <summary>Where things are: the repository root and the plugin under test.</summary>
public static class RepoPaths
{
    private static readonly Lazy<string> RootLazy = new(FindRoot);

    /// <summary>The directory holding BashCni.sln (found upwards from the test assembly, or BASHCNI_REPO).</summary>
    public static string Root => RootLazy.Value;

    /// <summary>The plugin's source tree (<c>source/</c>, <c>build-layout.sh</c>, <c>install.sh</c>; nothing in it runs as it
    /// is): src/Plugin, or the one run-tests.sh built for <c>--plugin-dir</c> (BASHCNI_PLUGIN_SOURCE).</summary>
    public static string PluginSource => HarnessEnvironment.Get("PLUGIN_SOURCE") is { } dir ? Path.GetFullPath(dir) : Path.Combine(Root, "src", "Plugin");

    /// <summary>The build's output directory (BASHCNI_ARTIFACTS, else <c>artifacts/</c> in the repository).</summary>
    public static string Artifacts => HarnessEnvironment.Get("ARTIFACTS") is { } dir ? Path.GetFullPath(dir) : Path.Combine(Root, "artifacts");

    /// <summary>The plugin directory tested when none is given: the one place that default is decided. It is the layout
    /// the build writes from <see cref="PluginSource"/> (tests/Harness/Harness.csproj, target BuildPluginLayout, runs
    /// <c>src/Plugin/build-layout.sh</c>), so what is tested is what <c>install.sh</c> installs.</summary>
    public static string DefaultPluginDir => Path.Combine(Artifacts, "plugin");

    /// <summary>The plugin directory given for this run (<c>--plugin-dir</c> → BASHCNI_PLUGIN_DIR, alias
    /// BASH_CNI_PLUGIN_DIR), or null.</summary>
    public static string? PluginDirOverride => HarnessEnvironment.Get("PLUGIN_DIR") is { } dir ? Path.GetFullPath(dir) : null;

    /// <summary>The plugin directory under test: <see cref="PluginDirOverride"/>, else <see cref="DefaultPluginDir"/>.
    /// Plugin profiles without a <c>pluginDir</c> resolve to it too.</summary>
    public static string PluginDir => PluginDirOverride ?? DefaultPluginDir;

    public static string Fixtures => Path.Combine(Root, "fixtures");

    public static string Fixture(params string[] parts) => Path.Combine([Fixtures, .. parts]);

    private static string FindRoot()
    {
        var fromEnv = HarnessEnvironment.Get("REPO");
        if (fromEnv is not null) return Path.GetFullPath(fromEnv);
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "BashCni.sln"))) return dir.FullName;
        for (var dir = new DirectoryInfo(Directory.GetCurrentDirectory()); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "BashCni.sln"))) return dir.FullName;
        throw new InvalidOperationException("cannot find the repository root (BashCni.sln); set BASHCNI_REPO");
    }
}
