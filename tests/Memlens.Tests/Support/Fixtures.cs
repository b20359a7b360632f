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

    /// <summary>The repository's root: the directory above the build output that holds tests/fixtures.</summary>
    public static string RepositoryRoot
    {
        get
        {
            var dir = new DirectoryInfo(AppContext.BaseDirectory);
            while (dir is not null && !Directory.Exists(Path.Combine(dir.FullName, "tests", "fixtures"))) dir = dir.Parent;
            return dir?.FullName ?? throw new DirectoryNotFoundException("tests/fixtures");
        }
    }

    private static string SourceDir(string name) => Path.Combine(RepositoryRoot, "tests", "fixtures", name);
}
