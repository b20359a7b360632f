using Memlens.Core.Model;
using Memlens.Reporting.Terminal;
using Memlens.Tests.Support;

namespace Memlens.Tests.Reporting;

/// <summary>docs/categories.md lists the colour of every kind as the code has it.</summary>
public class KindColorsDocTests
{
    [Fact]
    public void Every_kind_has_its_colour_in_the_docs()
    {
        var doc = File.ReadAllLines(Path.Combine(Fixtures.RepositoryRoot, "docs", "categories.md"));
        var kinds = typeof(Kinds).GetFields().Where(f => f.IsLiteral).Select(f => (string)f.GetRawConstantValue()!).ToList();
        Assert.Contains(Kinds.Unattributed, kinds);
        foreach (var kind in kinds)
        {
            var row = Assert.Single(doc, l => l.StartsWith('|') && l.Contains($"`{kind}`", StringComparison.Ordinal) && l.Contains('#'));
            Assert.Contains($"({KindColors.Sgr(kind)})", row, StringComparison.Ordinal);
            Assert.Contains($"`{KindColors.Rgb(kind)}`", row, StringComparison.Ordinal);
        }
    }
}
