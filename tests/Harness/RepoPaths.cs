namespace BashCni.Harness;

/// <summary>Where things are: the repository root and the plugin under test.</summary>
public static class RepoPaths
{
    private static readonly Lazy<string> RootLazy = new(FindRoot);

    /// <summary>The directory holding BashCni.sln (found upwards from the test assembly, or BASHCNI_REPO).</summary>
    public static string Root => RootLazy.Value;

    /// <summary>The plugin directory under test: BASH_CNI_PLUGIN_DIR, default src/Plugin.</summary>
    public static string PluginDir
    {
        get
        {
            var fromEnv = Environment.GetEnvironmentVariable("BASH_CNI_PLUGIN_DIR");
            return string.IsNullOrWhiteSpace(fromEnv) ? Path.Combine(Root, "src", "Plugin") : Path.GetFullPath(fromEnv);
        }
    }

    public static string Fixtures => Path.Combine(Root, "fixtures");

    public static string Fixture(params string[] parts) => Path.Combine([Fixtures, .. parts]);

    private static string FindRoot()
    {
        var fromEnv = Environment.GetEnvironmentVariable("BASHCNI_REPO");
        if (!string.IsNullOrWhiteSpace(fromEnv)) return Path.GetFullPath(fromEnv);
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "BashCni.sln"))) return dir.FullName;
        for (var dir = new DirectoryInfo(Directory.GetCurrentDirectory()); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "BashCni.sln"))) return dir.FullName;
        throw new InvalidOperationException("cannot find the repository root (BashCni.sln); set BASHCNI_REPO");
    }
}
