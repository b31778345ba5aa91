using System.Text.RegularExpressions;

namespace BashCni.Harness.Conformance;

/// <summary>
/// Which CNI spec clause each netns check enforces, in one place: the clauses (quoted from containernetworking/cni
/// SPEC.md at the tag named by their version) and, for each clause, the check names (a <c>Verdict.Check</c> of the Netns
/// layer, as regular expressions) that enforce it. The Netns layer's <c>ClauseMapTests</c> fails when a check matches no
/// clause; <see cref="Uncovered"/> lists the clauses no check enforces.
/// </summary>
public static class ClauseMap
{
    private const string V040 = "0.4.0";
    private const string V110 = "1.1.0";

    public static IReadOnlyList<SpecClause> Clauses { get; } =
    [
        new("state-key", V040, "General considerations", Requirement.Should,
            "Plugins that store state should do so using a primary key of (network name, CNI_CONTAINERID, CNI_IFNAME).", "#general-considerations"),
        new("add-per-ifname", V040, "General considerations", Requirement.Must,
            "A runtime must not call ADD twice (without a corresponding DEL) for the same (network name, container id, name of the interface inside the container) … a given container ID may be added to a specific network more than once only if each addition is done with a different interface name.", "#general-considerations"),
        new("del-idempotent", V040, "General considerations", Requirement.Should,
            "DEL may be followed by additional DELs but plugins should handle multiple DELs permissively (i.e. plugin DEL should be idempotent).", "#general-considerations"),
        new("parallel-containers", V040, "General considerations", Requirement.May,
            "The container runtime must not invoke parallel operations for the same container, but is allowed to invoke parallel operations for different containers.", "#general-considerations"),
        new("params-container-id", V040, "Parameters", Requirement.Must,
            "Container ID … Must not be empty. Must start with a alphanumeric character, optionally followed by any combination of one or more alphanumeric characters, underscore (_), dot (.) or hyphen (-).", "#parameters"),
        new("params-ifname", V040, "Parameters", Requirement.Must,
            "Name of the interface inside the container … must not be empty, must not be \".\" or \"..\", must be less than 16 characters and must not contain / or : or any whitespace characters; CNI_IFNAME: if the plugin is unable to use this interface name it must return an error.", "#parameters"),
        new("params-env", V040, "Parameters", Requirement.Must,
            "Runtimes … must invoke the executable using the following environment variables for argument passing: CNI_COMMAND, CNI_CONTAINERID, CNI_NETNS, CNI_IFNAME, CNI_ARGS, CNI_PATH; network configuration in JSON format must be streamed to the plugin through stdin.", "#parameters"),
        new("del-release", V040, "Parameters (DEL)", Requirement.Should,
            "A delete operation should release all resources held by the supplied containerid in the configured network.", "#parameters"),
        new("del-without-netns", V040, "Parameters (DEL)", Requirement.Should,
            "When CNI_NETNS and/or prevResult are not provided, the plugin should clean up as many resources as possible (e.g. releasing IPAM allocations) and return a successful response; plugins should generally complete a DEL action without error even if some resources are missing.", "#parameters"),
        new("check-prevresult", V040, "Parameters (CHECK)", Requirement.Must,
            "The plugin must consult the prevResult to determine the expected interfaces and addresses.", "#parameters"),
        new("check-result-resources", V040, "Parameters (CHECK)", Requirement.Should,
            "The plugin should return an error if a resource included in the CNI Result type (interface, address or route) was created by the plugin, and is listed in prevResult, but is missing or in an invalid state.", "#parameters"),
        new("check-other-resources", V040, "Parameters (CHECK)", Requirement.Should,
            "The plugin should return an error if other resources not tracked in the Result type such as … IP reservations … are missing or are in an invalid state.", "#parameters"),
        new("check-chained-modifications", V040, "Parameters (CHECK)", Requirement.Must,
            "The plugin must allow for a later chained plugin to have modified networking resources, e.g. routes.", "#parameters"),
        new("check-delegate", V040, "Parameters (CHECK)", Requirement.Should,
            "The plugin should call CHECK on any delegated (e.g. IPAM) plugins and pass any errors on to its caller.", "#parameters"),
        new("result-success", V040, "Result", Requirement.Must,
            "Plugins must indicate success with a return code of zero and the following JSON printed to stdout in the case of the ADD command.", "#result"),
        new("result-version", V040, "Result", Requirement.Must,
            "The cniVersion returned by the plugin in the result must be consistent with the cniVersion specified in Network Configuration.", "#result"),
        new("result-unsupported-version", V040, "Result", Requirement.Should,
            "If the cniVersion in the network configuration is not supported by the plugin, the plugin should return an error code 1.", "#result"),
        new("result-sandbox", V040, "Result", Requirement.Must,
            "sandbox … must be provided for interfaces created or moved into a sandbox like a network namespace.", "#result"),
        new("errors-stdout", V040, "Result", Requirement.Must,
            "Errors must be indicated by a non-zero return code and the following JSON being printed to stdout: cniVersion, code, msg, details (optional).", "#result"),
        new("netconf-fields", V040, "Network Configuration", Requirement.Must,
            "The following fields are well-known and have the following meaning: cniVersion, name, type, args, ipMasq, ipam, dns (a plugin's own fields beside them).", "#network-configuration"),
        new("list-prevresult", V040, "Network Configuration Lists", Requirement.Must,
            "Plugins that support a version of the CNI specification that includes the prevResult field MUST handle prevResult by either passing it through, modifying it, or suppressing it explicitly.", "#network-configuration-lists"),
        new("list-runtime", V040, "Network Configuration Lists", Requirement.Must,
            "The runtime MUST add a prevResult field … of any plugin after the first one (ADD) … the Result of the immediately previous ADD (CHECK, DEL) … For the DEL action, the runtime MUST execute the plugins in reverse-order.", "#network-configuration-lists"),
        new("gc", V110, "GC: Clean up any stale resources", Requirement.Should,
            "GC: the plugin releases the resources (e.g. IPAM reservations) of attachments not listed in cni.dev/valid-attachments.", "#gc-clean-up-any-stale-resources"),
        new("status", V110, "STATUS: Check plugin status", Requirement.Must,
            "STATUS: exit 0 when the plugin is ready to service ADD requests; an error (50 not available, 51 limited connectivity) otherwise.", "#status-check-plugin-status"),
        new("contract-faults", "", "Behaviour: ADD, DEL (faults and races)", Requirement.Contract,
            "bash-cni's own promises beyond the spec: rollback, kills at any point of an ADD, lock timeout (code 11), concurrent bridge creation.", "#behaviour"),
        new("contract-ipam", "", "IPAM store", Requirement.Contract,
            "bash-cni's store (host-local semantics): never the network, gateway or broadcast address; wrap-around; exhaustion code 110.", "#ipam-store"),
        new("contract-config", "", "Configuration", Requirement.Contract,
            "bash-cni's configuration fields (README's field table) take effect where they act.", "#configuration"),
    ];

    /// <summary>Clause id → the check names (regular expressions over a Verdict's Check) that enforce it.</summary>
    public static IReadOnlyDictionary<string, IReadOnlyList<string>> Checks { get; } = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal)
    {
        ["state-key"] = [@"^release matches the exact container ID \+ ifname$", "^derived names and MACs stay distinct", @"^two attachments \(\w+\) are added, checked and deleted independently$", "^name names the store directory$"],
        ["add-per-ifname"] = [@"^two attachments \(SameNetwork\)", "^repeated ADD is rejected without changes$"],
        ["del-idempotent"] = [@"^DEL \(Twice\) succeeds and releases$"],
        ["parallel-containers"] = [@"^\d+ parallel ADDs get distinct addresses", "^concurrent ADDs on a node without a bridge", "^an ADD whose bridge lock timed out"],
        ["params-container-id"] = ["^bad input containerid-", "^bad input env-(no|empty|del-no)-containerid"],
        ["params-ifname"] = ["^bad input ifname-", "^bad input env-(no|empty|del-no)-ifname", "^ADD result matches the kernel$"],
        ["params-env"] = ["^bad input (env|malformed|netns)-", "^the delegated IPAM plugin is found in any directory of CNI_PATH"],
        ["del-release"] = [@"^DEL \((Twice|NetnsDeleted|EmptyNetns|LinkVanishes)\) succeeds and releases$", "^DEL releases exactly its reservation in a store another writer made", @"^\d+ parallel ADDs .* parallel DELs release them$", @"^two attachments \(\w+\)"],
        ["del-without-netns"] = [@"^DEL \((NeverAdded|NetnsDeleted|EmptyNetns|LinkVanishes)\) succeeds and releases$", "^a DEL that fails waits"],
        ["check-prevresult"] = ["^CHECK passes right after ADD$", "^prevResult is what CHECK compares with$", "^bad input check-"],
        ["check-result-resources"] = ["^CHECK fails after (AddressRemoved|AddressChanged|InterfaceRemoved|InterfaceDown|MacChanged|DefaultRouteRemoved|ConfigRouteRemoved)$"],
        ["check-other-resources"] = ["^CHECK fails after (ReservationRemoved|ReservationMoved|HostVethRemoved|HostVethDetached)$"],
        ["result-success"] = ["^ADD result matches the kernel$", "^(routes|gateway|dns|mtu|bridge|subnet) ", @"^a network list \(plugin, portmap, tuning\)"],
        ["result-version"] = ["^cniVersion selects the result's version$"],
        ["result-unsupported-version"] = ["^bad input version-", "^a version at the edge of negotiation is refused"],
        ["result-sandbox"] = ["^ADD result matches the kernel$"],
        ["errors-stdout"] = ["^errors are CNI error JSON on stdout$", "^bad input ", "^exhaustion is a CNI error", "^an unwritable dataDir is code 5$"],
        ["netconf-fields"] = ["^(type names the binary|name names the store directory|network is informational|cniVersion selects)", "^bad input (name|subnet|range|version)-"],
        ["list-prevresult"] = ["^a plugin chained after loopback passes prevResult on$"],
        ["list-runtime"] = [@"^a network list \(plugin, portmap, tuning\)", "^GC and STATUS of a 1.1.0 network list$", "^CHECK of a list passes after a chained plugin"],
        ["check-chained-modifications"] = ["^CHECK of a list passes after a chained plugin changed"],
        ["check-delegate"] = ["^CHECK calls the delegated IPAM plugin's CHECK and passes its error on$"],
        ["gc"] = ["^GC keeps valid attachments", "^GC reclaims stale reservations", "^GC and STATUS of a 1.1.0 network list$", "^cni\\.dev/valid-attachments is what GC keeps$"],
        ["status"] = ["^STATUS reports readiness and exhaustion$", "^GC and STATUS of a 1.1.0 network list$"],
        ["contract-faults"] = ["^a failure after IPAM rolls the ADD back$", "^SIGKILL at each point", "^a held store lock", "^a mark the early start", "^concurrent ADDs on a node", "^an ADD whose bridge lock", "^a DEL that fails"],
        ["contract-ipam"] = ["^network, gateway and broadcast", "^every subnet prefix length README accepts", "^exhaustion is a CNI error", "^allocation wraps around", "^(rangeStart|rangeEnd|dataDir) "],
        ["contract-config"] = ["^the log rotates at its size limit", "^(logFile|logLevel|network|bridge|mtu|dataDir|rangeStart|rangeEnd|gateway|subnet|routes|dns|name|type|cniVersion|prevResult) "],
    };

    private static readonly IReadOnlyList<(string Clause, Regex Pattern)> Patterns =
        Checks.SelectMany(kv => kv.Value.Select(p => (kv.Key, new Regex(p, RegexOptions.CultureInvariant)))).ToList();

    public static SpecClause Clause(string id) => Clauses.FirstOrDefault(c => c.Id == id) ?? throw new KeyNotFoundException($"no clause '{id}'");

    /// <summary>The clauses a check enforces (empty when it names none).</summary>
    public static IReadOnlyList<SpecClause> ClausesOf(string check) =>
        Patterns.Where(p => p.Pattern.IsMatch(check)).Select(p => p.Clause).Distinct(StringComparer.Ordinal).Select(Clause).ToList();

    /// <summary>The checks among <paramref name="checks"/> that enforce clause <paramref name="id"/>.</summary>
    public static IReadOnlyList<string> ChecksOf(string id, IEnumerable<string> checks) =>
        checks.Where(c => Patterns.Any(p => p.Clause == id && p.Pattern.IsMatch(c))).ToList();

    /// <summary>Clauses no check among <paramref name="checks"/> enforces.</summary>
    public static IReadOnlyList<SpecClause> Uncovered(IEnumerable<string> checks)
    {
        var all = checks.ToList();
        return Clauses.Where(c => ChecksOf(c.Id, all).Count == 0).ToList();
    }
}
