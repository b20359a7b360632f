using System.Globalization;
using Microsoft.Data.Sqlite;

namespace Memlens.Core.History;

/// <summary>One recorded moment of a process: the kernel's totals always, its owners when it was classified in full.</summary>
public sealed record RecordedSample(long Id, int Pid, long StartTicks, string Program, DateTimeOffset At, ulong Vsz, ulong Rss, ulong Pss, ulong Swap, bool Full);

/// <summary>One of the runtime's own figures at one recorded moment (from the metrics page `record --metrics` read).</summary>
public sealed record RecordedFigure(long Sample, string Name, double Value);

/// <summary>One owner at one recorded moment (its name made stable across processes and runs).</summary>
public sealed record RecordedOwner(long Sample, string Kind, string Owner, ulong Virtual, ulong Committed, ulong Rss, ulong Pss, ulong Private, ulong Swap);

/// <summary>
/// The SQLite file `memlens record` writes and `memlens history` reads (schema version 1, docs/history.md). WAL
/// journal: a reader never blocks the recorder, and each sample is one transaction, so a recorder killed at any moment
/// leaves a file that opens and loses at most the sample it was writing.
/// </summary>
public sealed class HistoryStore : IDisposable
{
    /// <summary>2 added the runtime table; a version-1 file is read as it is, and upgraded when recorded into.</summary>
    public const int SchemaVersion = 2;
    private readonly SqliteConnection _db;

    private HistoryStore(SqliteConnection db) => _db = db;

    /// <summary>The default file: $XDG_STATE_HOME/memlens/history.db, or ~/.local/state/memlens/history.db.</summary>
    public static string DefaultPath()
    {
        string state = Environment.GetEnvironmentVariable("XDG_STATE_HOME") is { Length: > 0 } s ? s : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".local", "state");
        return Path.Combine(state, "memlens", "history.db");
    }

    public static HistoryStore Open(string path, bool create)
    {
        if (!create && !File.Exists(path)) throw new MemlensException(ExitCode.BadInput, $"{path}: no such history (memlens record writes one)");
        if (create) Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        var db = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Mode = create ? SqliteOpenMode.ReadWriteCreate : SqliteOpenMode.ReadOnly, Pooling = false }.ToString());
        try
        {
            db.Open();
            var store = new HistoryStore(db);
            if (create) store.Create();
            else store.CheckVersion(path);
            return store;
        }
        catch (SqliteException e)
        {
            db.Dispose();
            throw new MemlensException(ExitCode.BadInput, $"{path}: not a memlens history ({e.Message.TrimEnd('.')})");
        }
    }

    private void Create()
    {
        Run("""
            PRAGMA journal_mode=WAL;
            PRAGMA synchronous=NORMAL;
            CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
            INSERT OR IGNORE INTO meta VALUES ('schema_version', '2');
            CREATE TABLE IF NOT EXISTS processes(id INTEGER PRIMARY KEY, pid INTEGER NOT NULL, start_ticks INTEGER NOT NULL, program TEXT NOT NULL, exe TEXT,
              first_seen REAL NOT NULL, last_seen REAL NOT NULL, UNIQUE(pid, start_ticks));
            CREATE TABLE IF NOT EXISTS samples(id INTEGER PRIMARY KEY, process INTEGER NOT NULL REFERENCES processes(id), at REAL NOT NULL, full INTEGER NOT NULL,
              vsz INTEGER NOT NULL, rss INTEGER NOT NULL, pss INTEGER NOT NULL, swap INTEGER NOT NULL);
            CREATE INDEX IF NOT EXISTS samples_by_process ON samples(process, at);
            CREATE TABLE IF NOT EXISTS owners(sample INTEGER NOT NULL REFERENCES samples(id), kind TEXT NOT NULL, owner TEXT NOT NULL,
              virtual INTEGER NOT NULL, committed INTEGER NOT NULL, rss INTEGER NOT NULL, pss INTEGER NOT NULL, private INTEGER NOT NULL, swap INTEGER NOT NULL);
            CREATE INDEX IF NOT EXISTS owners_by_sample ON owners(sample);
            """);
        CheckVersion(_db.DataSource);
        Run("""
            CREATE TABLE IF NOT EXISTS runtime(sample INTEGER NOT NULL REFERENCES samples(id), name TEXT NOT NULL, value REAL NOT NULL);
            CREATE INDEX IF NOT EXISTS runtime_by_sample ON runtime(sample);
            UPDATE meta SET value = '2' WHERE key = 'schema_version';
            """);
    }

    private void CheckVersion(string path)
    {
        using var cmd = _db.CreateCommand();
        cmd.CommandText = "SELECT value FROM meta WHERE key = 'schema_version'";
        string? version = cmd.ExecuteScalar() as string;
        if (version is not ("1" or "2"))
            throw new MemlensException(ExitCode.BadInput, $"{path}: a memlens history of schema version {version ?? "?"}; this memlens reads versions 1 and {SchemaVersion}");
    }

    /// <summary>Writes one sample, its owners and the runtime's figures in one transaction.</summary>
    public void Add(int pid, long startTicks, string program, string? exe, DateTimeOffset at, ulong vsz, ulong rss, ulong pss, ulong swap, IReadOnlyList<Machine.GroupOwner>? owners,
        IReadOnlyList<(string Name, double Value)>? runtime = null)
    {
        using var tx = _db.BeginTransaction();
        double t = at.ToUnixTimeMilliseconds() / 1000.0;
        long process = Scalar(tx, "INSERT INTO processes(pid, start_ticks, program, exe, first_seen, last_seen) VALUES ($pid, $start, $program, $exe, $t, $t) " +
            "ON CONFLICT(pid, start_ticks) DO UPDATE SET last_seen = $t RETURNING id", ("$pid", pid), ("$start", startTicks), ("$program", program), ("$exe", exe), ("$t", t));
        long sample = Scalar(tx, "INSERT INTO samples(process, at, full, vsz, rss, pss, swap) VALUES ($p, $t, $full, $vsz, $rss, $pss, $swap) RETURNING id",
            ("$p", process), ("$t", t), ("$full", owners is null ? 0 : 1), ("$vsz", (long)vsz), ("$rss", (long)rss), ("$pss", (long)pss), ("$swap", (long)swap));
        if (owners is not null)
        {
            using var insert = _db.CreateCommand();
            insert.Transaction = tx;
            insert.CommandText = "INSERT INTO owners VALUES ($s, $kind, $owner, $v, $c, $rss, $pss, $priv, $swap)";
            foreach (var name in new[] { "$s", "$kind", "$owner", "$v", "$c", "$rss", "$pss", "$priv", "$swap" }) insert.Parameters.Add(new SqliteParameter(name, null));
            insert.Prepare();
            foreach (var (kind, owner, f) in owners)
            {
                object?[] values = [sample, kind, owner, (long)f.Virtual, (long)f.Committed, (long)(f.Rss ?? 0), (long)(f.Pss ?? 0), (long)(f.Private ?? 0), (long)(f.Swap ?? 0)];
                for (int i = 0; i < values.Length; i++) insert.Parameters[i].Value = values[i];
                insert.ExecuteNonQuery();
            }
        }
        foreach (var (name, value) in runtime ?? [])
            Execute(tx, "INSERT INTO runtime VALUES ($s, $name, $value)", ("$s", sample), ("$name", name), ("$value", value));
        tx.Commit();
    }

    /// <summary>The runtime's figures of these samples (none in a version-1 file).</summary>
    public List<RecordedFigure> Figures(IEnumerable<long> samples)
    {
        var list = new List<RecordedFigure>();
        using (var exists = _db.CreateCommand())
        {
            exists.CommandText = "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'runtime'";
            if ((long)exists.ExecuteScalar()! == 0) return list;
        }
        foreach (var chunk in samples.Chunk(500))
        {
            using var cmd = _db.CreateCommand();
            cmd.CommandText = $"SELECT sample, name, value FROM runtime WHERE sample IN ({string.Join(',', chunk)})";
            using var r = cmd.ExecuteReader();
            while (r.Read()) list.Add(new RecordedFigure(r.GetInt64(0), r.GetString(1), r.GetDouble(2)));
        }
        return list;
    }

    /// <summary>The programs recorded, largest number of samples first.</summary>
    public List<RecordedProgram> Programs()
    {
        using var cmd = _db.CreateCommand();
        cmd.CommandText = "SELECT p.program, COUNT(DISTINCT p.id), COUNT(s.id), MIN(s.at), MAX(s.at) FROM processes p JOIN samples s ON s.process = p.id GROUP BY p.program ORDER BY COUNT(s.id) DESC, p.program";
        var list = new List<RecordedProgram>();
        using var r = cmd.ExecuteReader();
        while (r.Read())
            list.Add(new RecordedProgram(r.GetString(0), r.GetInt32(1), r.GetInt32(2), At(r.GetDouble(3)), At(r.GetDouble(4))));
        return list;
    }

    private static DateTimeOffset At(double unixSeconds) => DateTimeOffset.FromUnixTimeMilliseconds((long)(unixSeconds * 1000));

    /// <summary>Every sample of the processes of a program (by name) or of one pid, in time order.</summary>
    public List<RecordedSample> Samples(string target)
    {
        using var cmd = _db.CreateCommand();
        bool byPid = int.TryParse(target, NumberStyles.None, CultureInfo.InvariantCulture, out int pid);
        cmd.CommandText = "SELECT s.id, p.pid, p.start_ticks, p.program, s.at, s.vsz, s.rss, s.pss, s.swap, s.full FROM samples s JOIN processes p ON p.id = s.process " +
            (byPid ? "WHERE p.pid = $t" : "WHERE p.program = $t") + " ORDER BY s.at, s.id";
        cmd.Parameters.AddWithValue("$t", byPid ? pid : target);
        var list = new List<RecordedSample>();
        using var r = cmd.ExecuteReader();
        while (r.Read())
            list.Add(new RecordedSample(r.GetInt64(0), r.GetInt32(1), r.GetInt64(2), r.GetString(3), At(r.GetDouble(4)),
                (ulong)r.GetInt64(5), (ulong)r.GetInt64(6), (ulong)r.GetInt64(7), (ulong)r.GetInt64(8), r.GetInt64(9) != 0));
        return list;
    }

    public List<RecordedOwner> Owners(IEnumerable<long> samples)
    {
        var list = new List<RecordedOwner>();
        foreach (var chunk in samples.Chunk(500))
        {
            using var cmd = _db.CreateCommand();
            cmd.CommandText = $"SELECT sample, kind, owner, virtual, committed, rss, pss, private, swap FROM owners WHERE sample IN ({string.Join(',', chunk)})";
            using var r = cmd.ExecuteReader();
            while (r.Read())
                list.Add(new RecordedOwner(r.GetInt64(0), r.GetString(1), r.GetString(2), (ulong)r.GetInt64(3), (ulong)r.GetInt64(4), (ulong)r.GetInt64(5), (ulong)r.GetInt64(6), (ulong)r.GetInt64(7), (ulong)r.GetInt64(8)));
        }
        return list;
    }

    /// <summary>
    /// Retention: samples older than a day are thinned to the first of each minute, older than a week to the first of
    /// each hour (per process, the rollup-only and the full ones each), and none is kept past <paramref name="keep"/>.
    /// </summary>
    public void Thin(DateTimeOffset now, TimeSpan keep)
    {
        double t = now.ToUnixTimeMilliseconds() / 1000.0;
        using var tx = _db.BeginTransaction();
        foreach (var (olderThan, bucket) in new[] { (86400.0, 60), (7 * 86400.0, 3600) })
            Execute(tx, "CREATE TEMP TABLE IF NOT EXISTS doomed(id INTEGER PRIMARY KEY); DELETE FROM doomed; " +
                "INSERT INTO doomed SELECT id FROM samples WHERE at < $cut AND id NOT IN " +
                "(SELECT min(id) FROM samples WHERE at < $cut GROUP BY process, full, CAST(at / $bucket AS INTEGER)); " +
                "DELETE FROM owners WHERE sample IN (SELECT id FROM doomed); DELETE FROM runtime WHERE sample IN (SELECT id FROM doomed); DELETE FROM samples WHERE id IN (SELECT id FROM doomed);",
                ("$cut", t - olderThan), ("$bucket", bucket));
        Execute(tx, "DELETE FROM owners WHERE sample IN (SELECT id FROM samples WHERE at < $cut); DELETE FROM runtime WHERE sample IN (SELECT id FROM samples WHERE at < $cut); DELETE FROM samples WHERE at < $cut; " +
            "DELETE FROM processes WHERE id NOT IN (SELECT DISTINCT process FROM samples);", ("$cut", t - keep.TotalSeconds));
        tx.Commit();
    }

    private void Execute(SqliteTransaction tx, string sql, params (string Name, object Value)[] parameters)
    {
        using var cmd = _db.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = sql;
        foreach (var (name, value) in parameters) cmd.Parameters.AddWithValue(name, value);
        cmd.ExecuteNonQuery();
    }

    private void Run(string sql)
    {
        using var cmd = _db.CreateCommand();
        cmd.CommandText = sql;
        cmd.ExecuteNonQuery();
    }

    private long Scalar(SqliteTransaction tx, string sql, params (string Name, object? Value)[] parameters)
    {
        using var cmd = _db.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = sql;
        foreach (var (name, value) in parameters) cmd.Parameters.AddWithValue(name, value ?? DBNull.Value);
        return (long)cmd.ExecuteScalar()!;
    }

    public void Dispose() => _db.Dispose();
}
