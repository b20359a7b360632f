namespace Memlens.Tests.Support;

/// <summary>Temporary directories a test makes (cores are tens of MiB), removed when the test class instance is disposed.</summary>
public sealed class TempDirectories : IDisposable
{
    private readonly List<string> _dirs = [];

    public string New(string prefix)
    {
        string dir = Directory.CreateTempSubdirectory(prefix).FullName;
        _dirs.Add(dir);
        return dir;
    }

    /// <summary>A copy of a subject under a name of its own, for tests that find processes by program name.</summary>
    public string CopyNamed(string exe, string prefix)
    {
        string name = $"{prefix}{Guid.NewGuid():N}"[..12];
        string copy = Path.Combine(New("memlens-named-"), name);
        File.Copy(exe, copy);
        return copy;
    }

    /// <summary>A copy of a captured fixture under a long path, so a test of line widths does not depend on where the repository is.</summary>
    public string CopyFixtureDeep(string fixture)
    {
        string copy = Path.Combine(New("memlens-fixture-"), "a-directory-name-long-enough-that-no-header-line-naming-it-fits-in-eighty-columns", fixture);
        foreach (var file in Directory.EnumerateFiles(Fixtures.Dir(fixture), "*", SearchOption.AllDirectories))
        {
            string to = Path.Combine(copy, Path.GetRelativePath(Fixtures.Dir(fixture), file));
            Directory.CreateDirectory(Path.GetDirectoryName(to)!);
            File.Copy(file, to);
        }
        return copy;
    }

    public void Dispose()
    {
        foreach (var d in _dirs) Directory.Delete(d, recursive: true);
    }
}
