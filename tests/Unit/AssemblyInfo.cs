using System.Runtime.Versioning;

// The plugin under test and its store (file modes, flock) exist on Linux only.
[assembly: SupportedOSPlatform("linux")]

// Fixtures run side by side: each test owns its scratch directory, store and processes, nothing here shares state
// through the environment, the current directory or a fixed path, and each API double holds the port its own socket
// was given (LoopbackHttpServer). Most unit tests wait on the bash plugin or on the API double rather than on CPU,
// so three at a time keep a 2-core machine busy.
[assembly: NUnit.Framework.Parallelizable(NUnit.Framework.ParallelScope.Fixtures)]
[assembly: NUnit.Framework.LevelOfParallelism(3)]
