using System.Runtime.InteropServices;
using Memlens.Core.Sources.Files;

namespace Memlens.Cli;

/// <summary>
/// SIGINT, SIGTERM and SIGHUP stop memlens promptly, as without a handler, but first remove every temporary file and
/// directory it is writing (a half-written snapshot, the temporary of -o), and exit 128 + the signal's number as a
/// shell expects. A file already renamed into place is whole, and stays.
/// </summary>
internal static class Interrupts
{
    public static IDisposable Handle()
    {
        var registrations = new[] { (PosixSignal.SIGINT, 2), (PosixSignal.SIGTERM, 15), (PosixSignal.SIGHUP, 1) }
            .Select(s => PosixSignalRegistration.Create(s.Item1, context =>
            {
                context.Cancel = true;
                TemporaryPaths.Interrupt(s.Item2);
                // Mid-write, the work stops at its next file and removes its temporaries as it unwinds (exit 128 + n,
                // through Program.Guard). If it does not within two seconds, or nothing is being written, stop here.
                for (int waited = 0; waited < 2000 && TemporaryPaths.AnyLive; waited += 10) Thread.Sleep(10);
                TemporaryPaths.RemoveAll();
                Environment.Exit(128 + s.Item2);
            }))
            .ToList();
        return new All(registrations);
    }

    private sealed class All(List<PosixSignalRegistration> registrations) : IDisposable
    {
        public void Dispose() => registrations.ForEach(r => r.Dispose());
    }
}
