using System.Text;
using Memlens.Formats.Text;

namespace Memlens.Tests.Formats;

/// <summary>
/// Pasted /proc text is read as bytes, line by line as ranges; the reading it replaced (strings, kept in
/// <see cref="PastedProcTextByStrings"/>) is the reference: for real /proc files pasted every way people paste them,
/// and for thousands of mixtures of their lines with headers, prompts, prose, blanks and odd line endings, both must
/// name the same files with the same bytes, the same problems and the same pid.
/// </summary>
public class PastedProcTextTests
{
    private static string Proc(string file) => File.ReadAllText($"/proc/self/{file}");

    private static void AssertSameReading(string text)
    {
        var expected = PastedProcTextByStrings.Parse(text);
        var actual = PastedProcText.Parse(Encoding.UTF8.GetBytes(text));
        Assert.Equal(expected is null, actual is null);
        if (expected is null || actual is null) return;
        Assert.Equal(expected.Files.Keys.Order(), actual.Files.Keys.Order());
        foreach (var (name, bytes) in expected.Files) Assert.True(bytes.AsSpan().SequenceEqual(actual.Files[name]), $"{name} differs: [{Encoding.UTF8.GetString(bytes)}] vs [{Encoding.UTF8.GetString(actual.Files[name])}] in [{text}]");
        Assert.Equal(expected.Problems, actual.Problems);
        Assert.Equal(expected.Pid, actual.Pid);
    }

    [Fact]
    public void Real_proc_files_pasted_every_way_read_as_the_string_reading_read_them()
    {
        string maps = Proc("maps"), smaps = Proc("smaps"), status = Proc("status"), statm = Proc("statm"), rollup = Proc("smaps_rollup");
        int pid = Environment.ProcessId;
        string[] shapes =
        [
            maps, smaps, rollup, maps.TrimEnd('\n'), maps.Replace("\n", "\r\n", StringComparison.Ordinal), smaps.Replace("\n", " \t\n", StringComparison.Ordinal),
            $"==> /proc/{pid}/maps <==\n{maps}\n==> /proc/{pid}/status <==\n{status}\n==> /proc/{pid}/statm <==\n{statm}",
            $"# cat /proc/{pid}/smaps\n{smaps}$ sudo cat /proc/{pid}/status\n{status}/proc/{pid}$ cat statm\n{statm}",
            $"user@host:~$ cat /proc/{pid}/maps\n{maps}that was the maps file\n\n",
            $"here is the output:\n{maps}",
            $"==> /proc/{pid}/environ <==\nPATH=/bin\n==> /proc/{pid}/maps <==\n{maps}",
            $"{maps}\n==> /proc/{pid}/maps <==\n{maps}",
            "", "\n\n", "hello\nworld\n", statm, status,
        ];
        foreach (var text in shapes) AssertSameReading(text);
        Assert.Equal(["maps", "statm", "status"], PastedProcText.Parse(Encoding.UTF8.GetBytes(shapes[6]))!.Files.Keys.Order());
    }

    [Fact]
    public void Any_mixture_of_pasted_lines_reads_as_the_string_reading_read_it()
    {
        string[] maps = Proc("maps").Split('\n', StringSplitOptions.RemoveEmptyEntries);
        string[] smaps = Proc("smaps").Split('\n', StringSplitOptions.RemoveEmptyEntries).Take(200).ToArray();
        string[] other =
        [
            "==> /proc/42/maps <==", "==> /proc/42/smaps <==", "==> /proc/42/status <==", "==> /proc/42/statm <==",
            "==> /proc/7/environ <==", "==> x <==", "# cat /proc/42/maps", "$ sudo cat /proc/9/smaps_rollup", "/proc/10368$ cat statm",
            "user@host:~$ curl -s http://127.0.0.1:6060/debug/vars", "# HELP go_memstats_heap_alloc_bytes x", "go_memstats_sys_bytes 7.3e+07",
            "{", "  \"memstats\": {", "}", "Name:\tcat", "VmSize:\t  8000 kB", "Threads:\t1", "123 45 67 8 0 90 0", "1 2 3",
            "Rss:                  12 kB", "Pss:  4 kB", "Size: x kB", "[rollup]", "", " ", "\t", "prose around the file",
            "Ünïcödé: naïve", "Key:\u00a0value", "0-ffff", "7f00-7fff rw-p 00000000 00:00 0   ", "dead-beef", "#", "$",
        ];
        string[] breaks = ["\n", "\r\n", "\r", "\n\n", " \n"];
        var random = new Random(20261205);
        for (int round = 0; round < 3000; round++)
        {
            var text = new StringBuilder();
            int lines = random.Next(0, 40);
            for (int i = 0; i < lines; i++)
            {
                var pool = random.Next(3) switch { 0 => maps, 1 => smaps, _ => other };
                text.Append(pool[random.Next(pool.Length)]).Append(breaks[random.Next(breaks.Length)]);
            }
            if (random.Next(4) == 0 && text.Length > 0) text.Length -= 1;   // no last line end
            AssertSameReading(text.ToString());
        }
    }

    [Fact]
    public void A_million_pasted_mappings_are_one_maps_file_of_their_lines()
    {
        var text = new StringBuilder();
        for (long i = 0; i < 1_000_000; i++) text.Append(System.Globalization.CultureInfo.InvariantCulture, $"{0x100000000L + (i * 0x2000):x}-{0x100001000L + (i * 0x2000):x} rw-p 00000000 00:00 0 \n");
        var bytes = Encoding.UTF8.GetBytes(text.ToString());
        var read = PastedProcText.Parse(bytes)!;
        Assert.Equal(["maps"], read.Files.Keys);
        Assert.True(bytes.AsSpan().SequenceEqual(read.Files["maps"]), "the maps file is the text itself");
        Assert.Empty(read.Problems);
    }
}
