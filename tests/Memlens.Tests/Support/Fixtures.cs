namespace Memlens.Tests.Support;

/// <summary>Paths of the captured fixtures in tests/fixtures (see its README for how each was made).</summary>
public static class Fixtures
{
    public static string Dir(string name) => Path.Combine(AppContext.BaseDirectory, "fixtures", name);
    public static string File(string name, string file) => Path.Combine(Dir(name), file);
    public static byte[] Bytes(string name, string file) => System.IO.File.ReadAllBytes(File(name, file));

    /// <summary>The source tree's copy, for regenerating expected outputs (MEMLENS_UPDATE_EXPECTED=1).</summary>
    public static string SourceDir(string name)
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !Directory.Exists(Path.Combine(dir.FullName, "tests", "fixtures"))) dir = dir.Parent;
        return Path.Combine(dir?.FullName ?? throw new DirectoryNotFoundException("tests/fixtures"), "tests", "fixtures", name);
    }
}
