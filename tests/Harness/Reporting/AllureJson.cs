using System.Text.Json;
using System.Text.Json.Serialization;

namespace BashCni.Harness.Reporting;

/// <summary>JSON settings of the Allure result format: camelCase names, lower-case enum values, nulls left out.</summary>
public static class AllureJson
{
    public static JsonSerializerOptions Options { get; } = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
        WriteIndented = false,
    };

    public static long Now() => DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();

    public static long ToEpochMs(DateTime time) =>
        new DateTimeOffset(time.Kind == DateTimeKind.Unspecified ? DateTime.SpecifyKind(time, DateTimeKind.Utc) : time.ToUniversalTime())
            .ToUnixTimeMilliseconds();
}
