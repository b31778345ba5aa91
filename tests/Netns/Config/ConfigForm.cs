namespace BashCni.Tests.Netns.Config;

/// <summary>Where a configuration field can be written (src/Plugin/README.md, Fields and Standard form).</summary>
public enum ConfigForm
{
    /// <summary>The top level of the config (for IPAM fields: the lab form, built-in IPAM).</summary>
    Top,
    /// <summary>The <c>ipam</c> section of the standard form (delegated to bash-cni-ipam).</summary>
    Ipam,
    /// <summary>host-local's <c>ipam.ranges[0][0]</c>, which bash-cni-ipam also accepts.</summary>
    Ranges,
    /// <summary>The top level of a config in the standard form (a field the plugin also reads there).</summary>
    TopOfIpamForm,
}
