using System.Text;
using System.Text.Json;

namespace BashCni.Harness.Reporting;

/// <summary>
/// Writes Allure 2 result files into one directory: <c>&lt;uuid&gt;-result.json</c>, <c>&lt;uuid&gt;-container.json</c>,
/// <c>&lt;uuid&gt;-attachment.&lt;ext&gt;</c>, <c>environment.properties</c> and <c>executor.json</c>.
/// Each file is written to a temporary name and renamed, so a reader never sees half a file. Thread-safe.
/// </summary>
public sealed class AllureResultsWriter
{
    private static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false);

    public AllureResultsWriter(string directory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        Directory = Path.GetFullPath(directory);
    }

    public string Directory { get; }

    /// <summary>$ALLURE_RESULTS_DIR, or &lt;repo&gt;/allure-results.</summary>
    public static string DefaultDirectory()
    {
        var fromEnv = Environment.GetEnvironmentVariable("ALLURE_RESULTS_DIR");
        if (!string.IsNullOrWhiteSpace(fromEnv)) return Path.GetFullPath(fromEnv);
        try
        {
            return Path.Combine(RepoPaths.Root, "allure-results");
        }
        catch (InvalidOperationException)
        {
            return Path.Combine(System.IO.Directory.GetCurrentDirectory(), "allure-results");
        }
    }

    public string WriteResult(AllureResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var name = $"{result.Uuid}-result.json";
        WriteAtomically(name, JsonSerializer.SerializeToUtf8Bytes(result, AllureJson.Options));
        return Path.Combine(Directory, name);
    }

    public string WriteContainer(AllureContainer container)
    {
        ArgumentNullException.ThrowIfNull(container);
        var name = $"{container.Uuid}-container.json";
        WriteAtomically(name, JsonSerializer.SerializeToUtf8Bytes(container, AllureJson.Options));
        return Path.Combine(Directory, name);
    }

    /// <summary>Stores the bytes as a new attachment file and returns the reference to put on a test or step.</summary>
    public AllureAttachment WriteAttachment(string name, ReadOnlySpan<byte> content, string mimeType, string extension)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(mimeType);
        var ext = SafeExtension(extension);
        var source = $"{Guid.NewGuid()}-attachment{(ext.Length > 0 ? "." + ext : "")}";
        WriteAtomically(source, content);
        return new AllureAttachment(name, source, mimeType);
    }

    public AllureAttachment WriteAttachment(string name, string content, string mimeType, string extension) =>
        WriteAttachment(name, Utf8.GetBytes(content ?? ""), mimeType, extension);

    /// <summary>The text of an attachment this directory holds (null when there is none by that name).</summary>
    public string? ReadAttachment(string source)
    {
        var path = AttachmentPath(source);
        return path is not null && File.Exists(path) ? File.ReadAllText(path, Utf8) : null;
    }

    /// <summary>Removes an attachment file no result refers to any more.</summary>
    public void DeleteAttachment(string source)
    {
        var path = AttachmentPath(source);
        if (path is not null) File.Delete(path);
    }

    // Only this writer's attachment files ("<uuid>-attachment[.ext]"), never a path outside the directory.
    private string? AttachmentPath(string source) =>
        !string.IsNullOrEmpty(source) && source.Contains("-attachment", StringComparison.Ordinal) && Path.GetFileName(source) == source
            ? Path.Combine(Directory, source)
            : null;

    /// <summary>
    /// Writes <c>environment.properties</c>, keeping keys an earlier test process of the same run wrote
    /// (each layer runs in its own process); values given here win.
    /// </summary>
    public void WriteEnvironment(IReadOnlyDictionary<string, string> properties)
    {
        ArgumentNullException.ThrowIfNull(properties);
        var merged = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in ReadEnvironment()) merged[key] = value;
        foreach (var (key, value) in properties) merged[key] = value;
        var text = new StringBuilder();
        foreach (var (key, value) in merged)
            text.Append(EscapeProperty(key, isKey: true)).Append('=').Append(EscapeProperty(value, isKey: false)).Append('\n');
        WriteAtomically("environment.properties", Utf8.GetBytes(text.ToString()));
    }

    /// <summary>Reads back <c>environment.properties</c> (empty when absent).</summary>
    public IReadOnlyDictionary<string, string> ReadEnvironment()
    {
        var path = Path.Combine(Directory, "environment.properties");
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        if (!File.Exists(path)) return result;
        foreach (var line in File.ReadAllLines(path, Utf8))
        {
            if (line.Length == 0 || line[0] == '#') continue;
            var cut = SeparatorIndex(line);
            if (cut <= 0) continue;
            result[UnescapeProperty(line[..cut])] = UnescapeProperty(line[(cut + 1)..]);
        }
        return result;
    }

    public void WriteExecutor(IReadOnlyDictionary<string, object> executor)
    {
        ArgumentNullException.ThrowIfNull(executor);
        WriteAtomically("executor.json", JsonSerializer.SerializeToUtf8Bytes(executor, AllureJson.Options));
    }

    private void WriteAtomically(string fileName, ReadOnlySpan<byte> content)
    {
        System.IO.Directory.CreateDirectory(Directory);
        var final = Path.Combine(Directory, fileName);
        var temp = Path.Combine(Directory, $".{fileName}.{Guid.NewGuid():N}.tmp");
        using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write))
            stream.Write(content);
        File.Move(temp, final, overwrite: true);
    }

    private static string SafeExtension(string? extension)
    {
        var ext = (extension ?? "").TrimStart('.');
        return ext.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.') ? ext : "bin";
    }

    // java.util.Properties escaping for the characters that matter here.
    private static string EscapeProperty(string text, bool isKey)
    {
        var sb = new StringBuilder(text.Length);
        foreach (var c in text)
        {
            switch (c)
            {
                case '\\': sb.Append(@"\\"); break;
                case '\n': sb.Append(@"\n"); break;
                case '\r': sb.Append(@"\r"); break;
                case '\t': sb.Append(@"\t"); break;
                case '=' or ':' or ' ' when isKey: sb.Append('\\').Append(c); break;
                default: sb.Append(c); break;
            }
        }
        return sb.ToString();
    }

    // The first '=' or ':' not escaped by a backslash.
    private static int SeparatorIndex(string line)
    {
        for (var i = 0; i < line.Length; i++)
        {
            if (line[i] == '\\') i++;
            else if (line[i] is '=' or ':') return i;
        }
        return -1;
    }

    private static string UnescapeProperty(string text)
    {
        var sb = new StringBuilder(text.Length);
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] != '\\' || i + 1 == text.Length) { sb.Append(text[i]); continue; }
            var next = text[++i];
            sb.Append(next switch { 'n' => '\n', 'r' => '\r', 't' => '\t', _ => next });
        }
        return sb.ToString();
    }
}
