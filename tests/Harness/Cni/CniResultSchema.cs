using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace BashCni.Harness.Cni;

/// <summary>
/// Strict check of plugin output against the CNI spec of one cniVersion: the version itself, required fields,
/// fields that do not exist in that version (e.g. <c>ips[].version</c> in 1.x, <c>interfaces[].mtu</c> before 1.1.0),
/// malformed CIDRs/IPs/MACs and interface indexes out of range. Each problem is one readable line naming its JSON path.
/// </summary>
public static partial class CniResultSchema
{
    private static readonly string[] TopLevel = ["cniVersion", "interfaces", "ips", "routes", "dns"];
    private static readonly string[] InterfaceFields = ["name", "mac", "sandbox"];
    private static readonly string[] InterfaceFields110 = ["mtu", "socketPath", "pciID"];
    private static readonly string[] IpFields = ["address", "gateway", "interface"];
    private static readonly string[] RouteFields = ["dst", "gw"];
    private static readonly string[] RouteFields110 = ["mtu", "advmss", "priority", "table", "scope"];
    private static readonly string[] DnsFields = ["nameservers", "domain", "search", "options"];
    private static readonly string[] ErrorFields = ["cniVersion", "code", "msg", "details"];

    [GeneratedRegex("^[0-9a-fA-F]{2}(:[0-9a-fA-F]{2}){5}$")]
    private static partial Regex MacPattern();

    /// <summary>
    /// Problems of an ADD result for <paramref name="expectedVersion"/> (empty = valid). <c>ips</c> must be present
    /// and non-empty; <c>interfaces</c> only when <paramref name="requireInterfaces"/> (interface plugins, not IPAM).
    /// </summary>
    public static IReadOnlyList<string> Validate(string json, string expectedVersion, bool requireInterfaces = false)
    {
        var problems = new List<string>();
        if (!TryRoot(json, problems, out var root)) return problems;
        var version = CheckVersion(root, expectedVersion, problems);
        if (root["code"] is not null)
        {
            problems.Add($"this is an error object, not a result: {CniJson.Excerpt(json, 200)}");
            return problems;
        }
        var v110 = CniVersions.Compare(version, CniVersions.V110) >= 0;
        Unexpected(root, "", TopLevel, version, problems);

        var interfaceCount = 0;
        switch (root["interfaces"])
        {
            case null:
                if (requireInterfaces) problems.Add("interfaces: missing");
                break;
            case JsonArray interfaces:
                interfaceCount = interfaces.Count;
                if (requireInterfaces && interfaces.Count == 0) problems.Add("interfaces: empty");
                for (var i = 0; i < interfaces.Count; i++)
                    CheckInterface(interfaces[i], $"interfaces[{i}].", version, v110, problems);
                break;
            default:
                problems.Add("interfaces: expected an array");
                break;
        }

        switch (root["ips"])
        {
            case null:
                problems.Add("ips: missing");
                break;
            case JsonArray ips:
                if (ips.Count == 0) problems.Add("ips: empty");
                for (var i = 0; i < ips.Count; i++)
                    CheckIp(ips[i], $"ips[{i}].", version, interfaceCount, root["interfaces"] is JsonArray, problems);
                break;
            default:
                problems.Add("ips: expected an array");
                break;
        }

        switch (root["routes"])
        {
            case null:
                break;
            case JsonArray routes:
                for (var i = 0; i < routes.Count; i++)
                    CheckRoute(routes[i], $"routes[{i}].", version, v110, problems);
                break;
            default:
                problems.Add("routes: expected an array");
                break;
        }

        switch (root["dns"])
        {
            case null:
                break;
            case JsonObject dns:
                Unexpected(dns, "dns.", DnsFields, version, problems);
                CheckStringArray(dns, "nameservers", "dns.", problems, s => IsIp(s) ? null : "is not an IP address");
                CheckOptionalString(dns, "domain", "dns.", problems);
                CheckStringArray(dns, "search", "dns.", problems, _ => null);
                CheckStringArray(dns, "options", "dns.", problems, _ => null);
                break;
            default:
                problems.Add("dns: expected an object");
                break;
        }
        return problems;
    }

    /// <summary>Problems of an error object (cniVersion, integer code, string msg, optional string details).</summary>
    public static IReadOnlyList<string> ValidateError(string json, string expectedVersion)
    {
        var problems = new List<string>();
        if (!TryRoot(json, problems, out var root)) return problems;
        CheckVersion(root, expectedVersion, problems);
        Unexpected(root, "", ErrorFields, expectedVersion, problems);
        switch (root["code"])
        {
            case null:
                problems.Add("code: missing");
                break;
            case JsonValue v when v.GetValueKind() == JsonValueKind.Number && v.TryGetValue<int>(out var code):
                if (code < 1) problems.Add($"code: {code} is not a positive error code");
                break;
            case var other:
                problems.Add($"code: expected an integer, got {other.ToJsonString()}");
                break;
        }
        if (root["msg"] is null) problems.Add("msg: missing");
        else if (!IsString(root["msg"], out var msg)) problems.Add("msg: expected a string");
        else if (string.IsNullOrWhiteSpace(msg)) problems.Add("msg: empty");
        CheckOptionalString(root, "details", "", problems);
        return problems;
    }

    /// <summary>Problems of a VERSION answer (cniVersion as asked, supportedVersions a non-empty list of known versions).</summary>
    public static IReadOnlyList<string> ValidateVersion(string json, string expectedVersion)
    {
        var problems = new List<string>();
        if (!TryRoot(json, problems, out var root)) return problems;
        CheckVersion(root, expectedVersion, problems);
        Unexpected(root, "", ["cniVersion", "supportedVersions"], expectedVersion, problems);
        if (root["supportedVersions"] is not JsonArray list) problems.Add("supportedVersions: missing or not an array");
        else if (list.Count == 0) problems.Add("supportedVersions: empty");
        else
            for (var i = 0; i < list.Count; i++)
                if (!IsString(list[i], out var s) || !System.Text.RegularExpressions.Regex.IsMatch(s, @"^\d+\.\d+\.\d+$"))
                    problems.Add($"supportedVersions[{i}]: {list[i]?.ToJsonString() ?? "null"} is not a version string");
        return problems;
    }

    /// <summary>Throws <see cref="FormatException"/> listing every problem unless the result is valid.</summary>
    public static void AssertValid(string json, string expectedVersion, bool requireInterfaces = false)
    {
        var problems = Validate(json, expectedVersion, requireInterfaces);
        if (problems.Count > 0)
            throw new FormatException($"result does not match the CNI {expectedVersion} schema:\n  - {string.Join("\n  - ", problems)}\n{json}");
    }

    private static bool TryRoot(string json, List<string> problems, out JsonObject root)
    {
        root = null!;
        if (string.IsNullOrWhiteSpace(json))
        {
            problems.Add("output is empty");
            return false;
        }
        try
        {
            if (JsonNode.Parse(json) is JsonObject obj)
            {
                root = obj;
                return true;
            }
            problems.Add($"output is not a JSON object: {CniJson.Excerpt(json, 200)}");
        }
        catch (JsonException e)
        {
            problems.Add($"output is not valid JSON ({e.Message}): {CniJson.Excerpt(json, 200)}");
        }
        return false;
    }

    private static string CheckVersion(JsonObject root, string expected, List<string> problems)
    {
        switch (root["cniVersion"])
        {
            case null:
                problems.Add("cniVersion: missing");
                return expected;
            case var node when IsString(node, out var version):
                if (!CniVersions.IsKnown(version))
                    problems.Add($"cniVersion: '{version}' is not one of {string.Join(", ", CniVersions.All)}");
                if (!string.Equals(version, expected, StringComparison.Ordinal))
                    problems.Add($"cniVersion: '{version}' but the config asked for '{expected}' (must be equal)");
                return CniVersions.IsKnown(version) ? version : expected;
            case var other:
                problems.Add($"cniVersion: expected a string, got {other.ToJsonString()}");
                return expected;
        }
    }

    private static void CheckInterface(JsonNode? node, string path, string version, bool v110, List<string> problems)
    {
        if (node is not JsonObject itf)
        {
            problems.Add($"{path.TrimEnd('.')}: expected an object");
            return;
        }
        Unexpected(itf, path, v110 ? [.. InterfaceFields, .. InterfaceFields110] : InterfaceFields, version, problems);
        if (itf["name"] is null) problems.Add($"{path}name: missing");
        else if (!IsString(itf["name"], out var name)) problems.Add($"{path}name: expected a string");
        else if (name.Length is 0 or > 15 || name.Any(c => c == '/' || c == ':' || char.IsWhiteSpace(c)) || name is "." or "..")
            problems.Add($"{path}name: '{name}' is not a valid interface name (1-15 chars, no '/', ':' or whitespace)");
        if (itf["mac"] is not null)
        {
            if (!IsString(itf["mac"], out var mac)) problems.Add($"{path}mac: expected a string");
            else if (!MacPattern().IsMatch(mac)) problems.Add($"{path}mac: '{mac}' is not a MAC address (xx:xx:xx:xx:xx:xx, 17 chars)");
        }
        CheckOptionalString(itf, "sandbox", path, problems);
        if (v110)
        {
            if (itf["mtu"] is not null && !IsInt(itf["mtu"], out _)) problems.Add($"{path}mtu: expected an integer");
            CheckOptionalString(itf, "socketPath", path, problems);
            CheckOptionalString(itf, "pciID", path, problems);
        }
    }

    private static void CheckIp(JsonNode? node, string path, string version, int interfaceCount, bool haveInterfaces, List<string> problems)
    {
        if (node is not JsonObject ip)
        {
            problems.Add($"{path.TrimEnd('.')}: expected an object");
            return;
        }
        var withVersion = CniVersions.HasIpVersionField(version);
        Unexpected(ip, path, withVersion ? ["version", .. IpFields] : IpFields, version, problems);
        string? family = null;
        if (ip["address"] is null) problems.Add($"{path}address: missing");
        else if (!IsString(ip["address"], out var address)) problems.Add($"{path}address: expected a string");
        else if (!IsCidr(address, out family)) problems.Add($"{path}address: '{address}' is not an address in CIDR form (a.b.c.d/n)");

        if (withVersion)
        {
            if (ip["version"] is null) problems.Add($"{path}version: missing (required in cniVersion {version})");
            else if (!IsString(ip["version"], out var v) || v is not ("4" or "6"))
                problems.Add($"{path}version: {ip["version"]!.ToJsonString()} must be \"4\" or \"6\"");
            else if (family is not null && v != family)
                problems.Add($"{path}version: \"{v}\" does not match the IPv{family} address");
        }
        if (ip["gateway"] is not null)
        {
            if (!IsString(ip["gateway"], out var gw)) problems.Add($"{path}gateway: expected a string");
            else if (!IsIp(gw, out var gwFamily)) problems.Add($"{path}gateway: '{gw}' is not an IP address");
            else if (family is not null && gwFamily != family) problems.Add($"{path}gateway: '{gw}' is not of the address's family IPv{family}");
        }
        if (ip["interface"] is not null)
        {
            if (!IsInt(ip["interface"], out var index)) problems.Add($"{path}interface: expected an integer index");
            else if (index < 0 || index >= interfaceCount)
                problems.Add($"{path}interface: index {index} is out of range ({(haveInterfaces ? $"interfaces has {interfaceCount} entries" : "there is no interfaces list")})");
        }
    }

    private static void CheckRoute(JsonNode? node, string path, string version, bool v110, List<string> problems)
    {
        if (node is not JsonObject route)
        {
            problems.Add($"{path.TrimEnd('.')}: expected an object");
            return;
        }
        Unexpected(route, path, v110 ? [.. RouteFields, .. RouteFields110] : RouteFields, version, problems);
        if (route["dst"] is null) problems.Add($"{path}dst: missing");
        else if (!IsString(route["dst"], out var dst)) problems.Add($"{path}dst: expected a string");
        else if (!IsCidr(dst, out _)) problems.Add($"{path}dst: '{dst}' is not a CIDR");
        if (route["gw"] is not null)
        {
            if (!IsString(route["gw"], out var gw)) problems.Add($"{path}gw: expected a string");
            else if (!IsIp(gw)) problems.Add($"{path}gw: '{gw}' is not an IP address");
        }
        if (v110)
            foreach (var key in new[] { "mtu", "advmss", "priority", "table" })
                if (route[key] is not null && !IsInt(route[key], out _)) problems.Add($"{path}{key}: expected an integer");
    }

    private static void Unexpected(JsonObject obj, string path, IReadOnlyCollection<string> allowed, string version, List<string> problems)
    {
        foreach (var (key, _) in obj)
            if (!allowed.Contains(key))
                problems.Add(key == "version" && path.StartsWith("ips[", StringComparison.Ordinal)
                    ? $"{path}version: must be absent in cniVersion {version} (removed in 1.0.0)"
                    : $"{path}{key}: unexpected field in cniVersion {version} (allowed: {string.Join(", ", allowed)})");
    }

    private static void CheckOptionalString(JsonObject obj, string key, string path, List<string> problems)
    {
        if (obj[key] is not null && !IsString(obj[key], out _)) problems.Add($"{path}{key}: expected a string");
    }

    private static void CheckStringArray(JsonObject obj, string key, string path, List<string> problems, Func<string, string?> check)
    {
        switch (obj[key])
        {
            case null:
                return;
            case JsonArray array:
                for (var i = 0; i < array.Count; i++)
                {
                    if (!IsString(array[i], out var s)) problems.Add($"{path}{key}[{i}]: expected a string");
                    else if (check(s) is { } why) problems.Add($"{path}{key}[{i}]: '{s}' {why}");
                }
                return;
            default:
                problems.Add($"{path}{key}: expected an array");
                return;
        }
    }

    private static bool IsString(JsonNode? node, out string value)
    {
        value = "";
        if (node is JsonValue v && v.GetValueKind() == JsonValueKind.String)
        {
            value = v.GetValue<string>();
            return true;
        }
        return false;
    }

    private static bool IsInt(JsonNode? node, out int value)
    {
        value = 0;
        return node is JsonValue v && v.GetValueKind() == JsonValueKind.Number && v.TryGetValue(out value);
    }

    /// <summary>A strict IPv4 dotted quad or an IPv6 address.</summary>
    public static bool IsIp(string text) => IsIp(text, out _);

    private static bool IsIp(string text, out string family)
    {
        family = "4";
        if (Cidr.TryParseIPv4(text, out _)) return true;
        family = "6";
        return text.Contains(':', StringComparison.Ordinal) && !text.Contains('%', StringComparison.Ordinal)
            && IPAddress.TryParse(text, out var ip) && ip.AddressFamily == AddressFamily.InterNetworkV6;
    }

    /// <summary>"address/prefix" with a strict IPv4 (prefix ≤ 32) or IPv6 (prefix ≤ 128) address.</summary>
    public static bool IsCidr(string text, out string family)
    {
        family = "4";
        if (Cidr.TryParse(text, out _)) return true;
        family = "6";
        var slash = text.IndexOf('/', StringComparison.Ordinal);
        if (slash < 0) return false;
        var prefix = text[(slash + 1)..];
        return IsIp(text[..slash], out var f) && f == "6" && prefix.Length is > 0 and <= 3 && prefix.All(char.IsAsciiDigit)
            && int.Parse(prefix, CultureInfo.InvariantCulture) <= 128;
    }
}
