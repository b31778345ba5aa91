using BashCni.Harness.Reporting;
using NUnit.Framework;

namespace BashCni.Tests.Unit.Mutation;

/// <summary>
/// The mutation operators of tests/Mutation/lib/operators.sh: each line yields exactly the one-line slips its operators
/// describe, once per place they apply; comments, bare syntax and function headers yield nothing.
/// </summary>
[Category("Unit")]
[Feature("Mutation testing")]
public sealed class MutationOperatorTests
{
    [Test]
    public async Task ArithmeticConditionGetsNegationSwapAndOffByOne()
    {
        var mutants = await MutationScript.MutantsAsync("    if (( n < 3 )); then");
        Assert.That(mutants, Is.EquivalentTo(new[]
        {
            ("negate-cond", "    if ! (( n < 3 )); then"),
            ("cmp-swap", "    if (( n <= 3 )); then"),
            ("off-by-one", "    if (( n < 4 )); then"),
            ("off-by-one", "    if (( n < 2 )); then"),
        }));
    }

    [Test]
    public async Task TestListGetsDeletionNegationSwapAndOrCodeAndQuoting()
    {
        var mutants = await MutationScript.MutantsAsync("    [[ \"$a\" == b ]] && return 1");
        Assert.That(mutants, Is.EquivalentTo(new[]
        {
            ("stmt-delete", "    :"),
            ("negate-cond", "    ! [[ \"$a\" == b ]] && return 1"),
            ("cmp-swap", "    [[ \"$a\" != b ]] && return 1"),
            ("and-or", "    [[ \"$a\" == b ]] || return 1"),
            ("exit-code", "    [[ \"$a\" == b ]] && return 0"),
        }));
    }

    [Test]
    public async Task QuotesAreDroppedOnlyWhereBashWouldSplitOrMatch()
    {
        // Inside [[ ]] only a pattern changes meaning unquoted; an assignment's value and a case word never split.
        var mutants = await MutationScript.MutantsAsync("    [[ \"$a\" == \"$b\" ]] && x=\"$y\" && f \"$z\"");
        Assert.That(mutants.Where(m => m.Op == "drop-quote").Select(m => m.Line), Is.EquivalentTo(new[]
        {
            "    [[ \"$a\" == $b ]] && x=\"$y\" && f \"$z\"",
            "    [[ \"$a\" == \"$b\" ]] && x=\"$y\" && f $z",
        }));
        Assert.That(await MutationScript.MutantsAsync("    case \"$x\" in"), Is.Empty);
        Assert.That(await MutationScript.MutantsAsync("    local v=\"${1}\""), Is.Empty);
    }

    [Test]
    public async Task CommandGetsEachOptionAndEachQuoteDroppedOnce()
    {
        var mutants = await MutationScript.MutantsAsync("    ip -n \"$ns\" link del \"${dev}\" --force");
        Assert.That(mutants.Where(m => m.Op == "drop-option").Select(m => m.Line), Is.EquivalentTo(new[]
        {
            "    ip \"$ns\" link del \"${dev}\" --force",
            "    ip -n \"$ns\" link del \"${dev}\"",
        }));
        Assert.That(mutants.Where(m => m.Op == "drop-quote").Select(m => m.Line), Is.EquivalentTo(new[]
        {
            "    ip -n $ns link del \"${dev}\" --force",
            "    ip -n \"$ns\" link del ${dev} --force",
        }));
    }

    [Test]
    public async Task LoopBoundsAndNumericTestsAreShiftedByOne()
    {
        var loop = await MutationScript.MutantsAsync("    for (( i = 1; i < ${#f[@]}; i += 4 )); do");
        Assert.That(loop.Where(m => m.Op == "off-by-one").Select(m => m.Line), Is.EquivalentTo(new[]
        {
            "    for (( i = 2; i < ${#f[@]}; i += 4 )); do",
            "    for (( i = 0; i < ${#f[@]}; i += 4 )); do",
            "    for (( i = 1; i < ${#f[@]}; i += 5 )); do",
            "    for (( i = 1; i < ${#f[@]}; i += 3 )); do",
        }));
        Assert.That(loop.Select(m => m.Op), Has.No.Member("stmt-delete"), "a loop header is not a statement to delete");
        var test = await MutationScript.MutantsAsync("    [[ $x -lt 10 ]] || exit 2");
        Assert.That(test, Is.SupersetOf(new[]
        {
            ("cmp-swap", "    [[ $x -le 10 ]] || exit 2"),
            ("off-by-one", "    [[ $x -lt 11 ]] || exit 2"),
            ("off-by-one", "    [[ $x -lt 9 ]] || exit 2"),
            ("exit-code", "    [[ $x -lt 10 ]] || exit 0"),
            ("and-or", "    [[ $x -lt 10 ]] && exit 2"),
        }));
    }

    [Test]
    public async Task ErrorCodesAndReturnCodesChange()
    {
        Assert.That(await MutationScript.MutantsAsync("        cni_error 7 \"x: $y\""), Does.Contain(("exit-code", "        cni_error 8 \"x: $y\"")));
        Assert.That(await MutationScript.MutantsAsync("    return 0"), Does.Contain(("exit-code", "    return 1")));
        Assert.That(await MutationScript.MutantsAsync("    return 3"), Does.Contain(("exit-code", "    return 0")));
    }

    [Test]
    public async Task TrailingCommentIsNeverMutated()
    {
        var mutants = await MutationScript.MutantsAsync("    run_it \"$a\" # a && b == c -x");
        Assert.That(mutants, Is.EquivalentTo(new[]
        {
            ("stmt-delete", "    :"),
            ("drop-quote", "    run_it $a # a && b == c -x"),
        }));
    }

    [TestCase("")]
    [TestCase("    # a comment with && and == and -lt 3")]
    [TestCase("    fi")]
    [TestCase("    done")]
    [TestCase("    then")]
    [TestCase("    ;;")]
    [TestCase("cmd_add() {")]
    [TestCase("        ADD)")]
    public async Task SyntaxCommentsAndHeadersYieldNothing(string line)
    {
        Assert.That(await MutationScript.MutantsAsync(line), Is.Empty);
    }

    [Test]
    public async Task CompoundOpenersAreNotDeleted()
    {
        foreach (var line in new[] { "    while IFS= read -r line; do", "    case \"$x\" in", "    foo | \\", "    a &&", "    local x=1" })
            Assert.That((await MutationScript.MutantsAsync(line)).Select(m => m.Op), Has.No.Member("stmt-delete"), line);
    }
}
