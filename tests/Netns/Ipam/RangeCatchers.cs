using BashCni.Tests.Netns.Checks;
using BashCni.Tests.Netns.SelfTest;

namespace BashCni.Tests.Netns.Ipam;

/// <summary>The range check as a catcher for the self-test: releases .11, .10, .12 (the second ADD must wrap past rangeEnd).</summary>
public static class RangeCatchers
{
    [CatcherSource]
    public static IEnumerable<Catcher> All()
    {
        yield return new Catcher(RangeChecks.Check, node => RangeChecks.WrapAroundAsync(node, [1, 0, 2]));
    }
}
