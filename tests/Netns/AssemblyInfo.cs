// Tests run in parallel where each has its own node namespace (own bridge, data dir and log); the
// sandbox is shared. Four at a time keeps a 2-core machine busy without starving the plugin processes.
[assembly: LevelOfParallelism(4)]
[assembly: Parallelizable(ParallelScope.Fixtures)]
