using System.Text.Json;
using System.Text.Json.Serialization;

namespace BashCni.Bench;

/// <summary>How reports are written to and read from results/*.json.</summary>
public static class BenchJson
{
    public static JsonSerializerOptions Options { get; } = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    public static string Serialize(BenchReport report) => JsonSerializer.Serialize(report, Options);

    public static async Task<BenchReport> LoadAsync(string path, CancellationToken cancellationToken)
    {
        await using var stream = File.OpenRead(path);
        return await JsonSerializer.DeserializeAsync<BenchReport>(stream, Options, cancellationToken).ConfigureAwait(false)
               ?? throw new FormatException($"{path}: not a benchmark report");
    }
}
