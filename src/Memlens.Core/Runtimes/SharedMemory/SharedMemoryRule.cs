using Memlens.Core.Classification;
using Memlens.Core.Model;

namespace Memlens.Core.Runtimes.SharedMemory;

/// <summary>POSIX shm (/dev/shm), SysV shm (/SYSV%08x), memfd, shared anonymous (/dev/zero (deleted)), other tmpfs-like shared maps.</summary>
public sealed class SharedMemoryRule : IClassificationRule
{
    public void Apply(ClassificationContext context)
    {
        foreach (var r in context.Regions)
        {
            if (context.IsClaimed(r)) continue;
            string path = r.Map.FilePath;
            string? evidence =
                path.StartsWith("/dev/shm/", StringComparison.Ordinal) ? "a file in /dev/shm: POSIX shared memory (shm_open)"
                : path.StartsWith("/SYSV", StringComparison.Ordinal) ? $"named /SYSV<key>: a System V shared memory segment (key 0x{path[5..]}, ipc/shm.c newseg)"
                : path.StartsWith("/memfd:", StringComparison.Ordinal) ? "named /memfd:NAME: a memfd_create file (anonymous, RAM-backed)"
                : path == "/dev/zero" && r.Map.Deleted ? "/dev/zero (deleted): a MAP_SHARED|MAP_ANONYMOUS mapping (shmem_zero_setup)"
                : null;
            if (evidence is null) continue;
            string owner = path.StartsWith("/SYSV", StringComparison.Ordinal) ? $"SysV shm key 0x{path[5..]}"
                : path == "/dev/zero" ? "shared anonymous memory"
                : r.Map.FilePath;
            if (Postgres(context) is { } what && Purpose(path, what) is { } purpose) (owner, evidence) = (purpose, $"{evidence}; in PostgreSQL ({what}) this is {purpose}");
            context.Claim(r, new LabelledOwner(Kinds.SharedMemory, owner), r.Map.Shared ? "shared" : "private copy", evidence, Confidence.Confirmed);
        }
    }

    /// <summary>"the executable is postgres" when the process is a PostgreSQL server or backend, else null.</summary>
    private static string? Postgres(ClassificationContext context) =>
        context.Signals.ExeName is "postgres" or "postmaster" ? $"the executable is {context.Signals.ExeName}" : null;

    /// <summary>
    /// PostgreSQL 9.3+ keeps its main shared memory (shared_buffers, WAL buffers, lock and proc tables) in one shared
    /// anonymous mapping, with a small SysV segment only as an interlock, and dynamic shared memory in /dev/shm/PostgreSQL.N
    /// (src/backend/port/sysv_shmem.c, dsm_impl.c).
    /// </summary>
    private static string? Purpose(string path, string _) =>
        path == "/dev/zero" ? "PostgreSQL main shared memory (shared_buffers, WAL buffers, lock tables)"
        : path.StartsWith("/SYSV", StringComparison.Ordinal) ? "PostgreSQL SysV interlock segment"
        : path.StartsWith("/dev/shm/PostgreSQL.", StringComparison.Ordinal) ? "PostgreSQL dynamic shared memory segment"
        : null;
}
