using System.Globalization;

namespace Memlens.Tests.Support;

/// <summary>
/// A memory cgroup of the test's own with a limit, where the machine lets root make one: under the v2 hierarchy when
/// it has the memory controller, else under v1's memory hierarchy. Removed when disposed (after its processes end).
/// </summary>
public sealed class MemoryCgroup : IDisposable
{
    public string Directory { get; }

    private MemoryCgroup(string directory) => Directory = directory;

    public static MemoryCgroup Create(ulong limit)
    {
        string name = $"memlens-test-{Environment.ProcessId}-{Guid.NewGuid():N}"[..40];
        string limitText = limit.ToString(CultureInfo.InvariantCulture);
        if (File.Exists("/sys/fs/cgroup/cgroup.controllers") && File.ReadAllText("/sys/fs/cgroup/cgroup.subtree_control").Contains("memory", StringComparison.Ordinal))
        {
            var dir = System.IO.Directory.CreateDirectory(Path.Combine("/sys/fs/cgroup", name)).FullName;
            File.WriteAllText(Path.Combine(dir, "memory.max"), limitText);
            return new MemoryCgroup(dir);
        }
        if (System.IO.Directory.Exists("/sys/fs/cgroup/memory"))
        {
            var dir = System.IO.Directory.CreateDirectory(Path.Combine("/sys/fs/cgroup/memory", name)).FullName;
            File.WriteAllText(Path.Combine(dir, "memory.limit_in_bytes"), limitText);
            return new MemoryCgroup(dir);
        }
        throw new InvalidOperationException("this machine has no memory cgroup controller to make a cgroup with (neither v2 with memory nor v1's memory hierarchy)");
    }

    /// <summary>A subject started inside the cgroup: a shell moves itself in, then becomes the program (same pid).</summary>
    public Subject Start(string file, string[] args, IDictionary<string, string>? env = null)
    {
        string command = $"echo $$ > '{Path.Combine(Directory, "cgroup.procs")}' && exec \"$0\" \"$@\"";
        return Subject.Start("sh", ["-c", command, file, .. args], env);
    }

    public void Dispose()
    {
        for (int attempt = 0; attempt < 50; attempt++)
        {
            try { System.IO.Directory.Delete(Directory); return; }
            catch (IOException) { Thread.Sleep(100); }   // busy until the killed subject has left it
        }
    }
}
