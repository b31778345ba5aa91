namespace BashCni.Harness.Reporting;

/// <summary>Mime types for the attachment kinds the harness produces.</summary>
public static class MimeTypes
{
    public static string ForExtension(string extension) => extension.TrimStart('.').ToUpperInvariant() switch
    {
        "JSON" or "CONF" or "CONFLIST" => "application/json",
        "YAML" or "YML" => "application/yaml",
        "XML" => "application/xml",
        "HTML" or "HTM" => "text/html",
        "CSV" => "text/csv",
        "TSV" => "text/tab-separated-values",
        "PNG" => "image/png",
        "SVG" => "image/svg+xml",
        "JPG" or "JPEG" => "image/jpeg",
        "GZ" or "TGZ" => "application/gzip",
        _ => "text/plain",
    };
}
