namespace Memlens.Tests.Support;

/// <summary>
/// Paths of the captured fixtures in tests/fixtures (see its README for how each was made), read from the source tree:
/// a copy in the build output would keep files a regenerated fixture no longer has.
/// </summary>
public static class Fixtures
{
    public static string Dir(string name) => SourceDir(name);
    public static string File(string name, string file) => Path.Combine(Dir(name), file);
    public static byte[] Bytes(string name, string file) => System.IO.File.ReadAllBytes(File(name, file));

    private static string SourceDir(string name)
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !Directory.Exists(Path.Combine(dir.FullName, "tests", "fixtures"))) dir = dir.Parent;
        return Path.Combine(dir?.FullName ?? throw new DirectoryNotFoundException("tests/fixtures"), "tests", "fixtures", name);
    }
}
