using System.Runtime.Versioning;

// The plugin under test and its store (file modes, flock) exist on Linux only.
[assembly: SupportedOSPlatform("linux")]
