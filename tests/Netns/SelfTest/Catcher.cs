using System.Reflection;
using BashCni.Tests.Netns.Support;

namespace BashCni.Tests.Netns.SelfTest;

/// <summary>
/// How to run the check named <paramref name="Check"/> (its <see cref="Verdict.Check"/>) on a node. Catchers of one
/// <paramref name="Family"/> (default: the check itself) test the same thing with other parameters; one variant per
/// family is enough.
/// </summary>
public sealed record Catcher(string Check, Func<TestNode, Task<Verdict>> Run, string? Family = null)
{
    public string Family { get; } = Family ?? Check;
}

/// <summary>
/// Marks a static method returning <c>IEnumerable&lt;Catcher&gt;</c>: the self-test finds every such method of this
/// assembly, so a new check is made available to broken variants by a file of its own.
/// </summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false)]
public sealed class CatcherSourceAttribute : Attribute;

/// <summary>Every catcher of the assembly, by check name.</summary>
public static class Catchers
{
    private static readonly Lazy<IReadOnlyDictionary<string, Catcher>> AllLazy = new(Collect);

    public static IReadOnlyDictionary<string, Catcher> All => AllLazy.Value;

    private static IReadOnlyDictionary<string, Catcher> Collect()
    {
        var all = new Dictionary<string, Catcher>(StringComparer.Ordinal);
        var sources = typeof(Catchers).Assembly.GetTypes()
            .SelectMany(t => t.GetMethods(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static))
            .Where(m => m.GetCustomAttribute<CatcherSourceAttribute>() is not null);
        foreach (var method in sources)
        {
            if (method.GetParameters().Length != 0 || !typeof(IEnumerable<Catcher>).IsAssignableFrom(method.ReturnType))
                throw new InvalidOperationException($"[CatcherSource] {method.DeclaringType?.Name}.{method.Name} must be static, parameterless and return IEnumerable<Catcher>");
            foreach (var catcher in (IEnumerable<Catcher>)method.Invoke(null, null)!)
                if (!all.TryAdd(catcher.Check, catcher))
                    throw new InvalidOperationException($"two catchers for the check '{catcher.Check}' ({method.DeclaringType?.Name}.{method.Name})");
        }
        return all;
    }
}
