namespace BashCni.Harness.Cost;

/// <summary>One test's time as the test platform recorded it: its class's short name, the test's name, seconds.</summary>
public sealed record TestCost(string Name, double Seconds);
