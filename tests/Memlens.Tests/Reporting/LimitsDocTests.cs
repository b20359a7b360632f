using System.Globalization;
using System.Reflection;
using System.Text.RegularExpressions;
using Memlens.Tests.Support;

namespace Memlens.Tests.Reporting;

/// <summary>docs/limits.md lists every reader's limit with the value the code has, and every *Limits class is in it whole.</summary>
public sealed partial class LimitsDocTests
{
    private static readonly Assembly[] Assemblies = [typeof(global::Memlens.Formats.InputLimitException).Assembly, typeof(global::Memlens.Core.MemlensException).Assembly, typeof(global::Memlens.Cli.Program).Assembly];

    private static Type TypeNamed(string name) =>
        Assemblies.SelectMany(a => a.GetTypes()).Single(t => t.Name == name && !t.IsNested);

    /// <summary>A const, or a property of the type's Default instance (ElfLimits is a record of defaults).</summary>
    private static long ValueOf(Type type, string member)
    {
        const BindingFlags all = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static | BindingFlags.Instance;
        if (type.GetField(member, all) is { IsLiteral: true } field) return Convert.ToInt64(field.GetRawConstantValue(), CultureInfo.InvariantCulture);
        var instance = type.GetField("Default", all)?.GetValue(null) ?? throw new InvalidOperationException($"{type.Name}.{member} not found");
        return Convert.ToInt64(type.GetProperty(member, all)!.GetValue(instance), CultureInfo.InvariantCulture);
    }

    private static Dictionary<string, long> DocumentedRows()
    {
        string doc = File.ReadAllText(Path.Combine(Fixtures.RepositoryRoot, "docs", "limits.md"));
        return Row().Matches(doc).ToDictionary(m => m.Groups[1].Value, m => long.Parse(m.Groups[2].Value, NumberStyles.AllowThousands, CultureInfo.InvariantCulture));
    }

    [Fact]
    public void Every_documented_limit_has_the_value_the_code_has()
    {
        var rows = DocumentedRows();
        Assert.True(rows.Count >= 30, $"{rows.Count} rows");
        foreach (var (name, documented) in rows)
        {
            var (type, member) = (name[..name.IndexOf('.')], name[(name.IndexOf('.') + 1)..]);
            Assert.True(ValueOf(TypeNamed(type), member) == documented, $"{name}: docs/limits.md says {documented:N0}, the code {ValueOf(TypeNamed(type), member):N0}");
        }
    }

    [Fact]
    public void Every_limits_class_is_documented_whole()
    {
        var rows = DocumentedRows();
        var limitClasses = Assemblies.SelectMany(a => a.GetTypes()).Where(t => t.Name.EndsWith("Limits", StringComparison.Ordinal) && !t.IsNested).ToList();
        Assert.Contains(limitClasses, t => t.Name == "SnapshotLimits");
        foreach (var t in limitClasses)
        {
            var members = t.GetFields(BindingFlags.Public | BindingFlags.Static).Where(f => f.IsLiteral).Select(f => f.Name)
                .Concat(t.GetProperties(BindingFlags.Public | BindingFlags.Instance).Select(p => p.Name))
                .Where(n => n.StartsWith("Max", StringComparison.Ordinal));
            foreach (var m in members) Assert.True(rows.ContainsKey($"{t.Name}.{m}"), $"{t.Name}.{m} is not in docs/limits.md");
        }
    }

    [GeneratedRegex(@"^\| `(\w+\.\w+)` \| ([\d,]+)", RegexOptions.Multiline)]
    private static partial Regex Row();
}
