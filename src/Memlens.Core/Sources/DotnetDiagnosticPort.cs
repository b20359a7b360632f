using System.Buffers.Binary;
using System.Net.Sockets;
using System.Text;
using Memlens.Formats.Procfs;

namespace Memlens.Core.Sources;

/// <summary>
/// The .NET runtime's diagnostic port: the Unix socket each CoreCLR process listens on
/// ($TMPDIR/dotnet-diagnostic-PID-KEY-socket) for the IPC protocol of dotnet/diagnostics' ipc-protocol.md: a 20-byte
/// header ("DOTNET_IPC_V1\0", uint16 size, command set, command id, reserved) and a payload. memlens uses two
/// commands of the EventPipe set: CollectTracing2 (start a session, its events streamed back in nettrace format on
/// the same connection) and StopTracing. Asking is opt-in (--runtime): the runtime does work for the session.
/// </summary>
public static class DotnetDiagnosticPort
{
    private const byte EventPipeCommands = 0x02, StopTracing = 0x01, CollectTracing2 = 0x03;
    private const byte ServerResponse = 0xFF, Ok = 0x00;
    public static readonly TimeSpan ReplyTimeout = TimeSpan.FromSeconds(5);

    /// <summary>One provider of a session: its name, keywords, level and filter ("key=value;…").</summary>
    public sealed record Provider(string Name, ulong Keywords, uint Level, string? Filter);

    /// <summary>
    /// The socket of the process, looked for in its own /tmp (through /proc/PID/root, so a process in a container is
    /// found) under the pid it has in its own namespace (status NSpid) and its start time (stat field 22, the key the
    /// runtime adds so that a socket left by an earlier process of the same pid is not taken for it); null when it has
    /// none (DOTNET_EnableDiagnostics=0).
    /// </summary>
    public static string? FindSocket(int pid)
    {
        int inner = InnerPid(pid) ?? pid;
        string? key = StartTime(pid);
        foreach (string tmp in new[] { $"/proc/{pid}/root/tmp", "/tmp" })
        {
            try
            {
                var found = Directory.EnumerateFileSystemEntries(tmp, $"dotnet-diagnostic-{inner}-*-socket").ToList();
                if (key is not null && found.FirstOrDefault(f => Path.GetFileName(f) == $"dotnet-diagnostic-{inner}-{key}-socket") is { } exact) return exact;
                if (key is null && found.Count > 0) return found.MaxBy(File.GetLastWriteTimeUtc);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
        }
        return null;
    }

    private static string? StartTime(int pid)
    {
        var stat = ProcFileReader.TryReadText($"/proc/{pid}/stat");
        int close = stat?.LastIndexOf(')') ?? -1;
        var fields = close < 0 ? null : stat![(close + 2)..].Split(' ');
        return fields is { Length: > 19 } ? fields[19] : null;   // field 22 counted from the pid; 3 is the first after ')'
    }

    private static int? InnerPid(int pid)
    {
        var status = ProcFileReader.TryReadText($"/proc/{pid}/status");
        var line = status?.Split('\n').FirstOrDefault(l => l.StartsWith("NSpid:", StringComparison.Ordinal));
        var last = line?.Split((char[])['\t', ' '], StringSplitOptions.RemoveEmptyEntries).LastOrDefault();
        return int.TryParse(last, out int inner) ? inner : null;
    }

    /// <summary>Starts a session: the connection the nettrace stream arrives on, and the session's id.</summary>
    public static (Socket Connection, ulong SessionId) StartSession(string socketPath, IReadOnlyList<Provider> providers, uint bufferMiB = 16)
    {
        var payload = new List<byte>();
        void U32(uint v) { Span<byte> b = stackalloc byte[4]; BinaryPrimitives.WriteUInt32LittleEndian(b, v); payload.AddRange(b.ToArray()); }
        void U64(ulong v) { Span<byte> b = stackalloc byte[8]; BinaryPrimitives.WriteUInt64LittleEndian(b, v); payload.AddRange(b.ToArray()); }
        void Text(string? s)
        {
            if (string.IsNullOrEmpty(s)) { U32(0); return; }
            U32((uint)s.Length + 1);
            payload.AddRange(Encoding.Unicode.GetBytes(s + "\0"));
        }
        U32(bufferMiB);
        U32(1);                      // format: nettrace
        payload.Add(0);              // no rundown: memlens asks for counters, not for the methods' names
        U32((uint)providers.Count);
        foreach (var p in providers) { U64(p.Keywords); U32(p.Level); Text(p.Name); Text(p.Filter); }
        var socket = Connect(socketPath);
        try
        {
            Send(socket, CollectTracing2, payload.ToArray());
            var reply = Reply(socket);
            return (socket, BinaryPrimitives.ReadUInt64LittleEndian(reply));
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>Ends a session (on a connection of its own, as the protocol has it); the runtime then ends its stream.</summary>
    public static void StopSession(string socketPath, ulong sessionId)
    {
        using var socket = Connect(socketPath);
        var payload = new byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(payload, sessionId);
        Send(socket, StopTracing, payload);
        Reply(socket);
    }

    private static Socket Connect(string socketPath)
    {
        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified)
        {
            ReceiveTimeout = (int)ReplyTimeout.TotalMilliseconds,
            SendTimeout = (int)ReplyTimeout.TotalMilliseconds,
        };
        try { socket.Connect(new UnixDomainSocketEndPoint(socketPath)); }
        catch (SocketException e)
        {
            socket.Dispose();
            throw new DiagnosticPortException($"cannot connect to the diagnostic port {socketPath}: {e.Message}");
        }
        return socket;
    }

    private static void Send(Socket socket, byte command, byte[] payload)
    {
        var message = new byte[20 + payload.Length];
        "DOTNET_IPC_V1\0"u8.CopyTo(message);
        BinaryPrimitives.WriteUInt16LittleEndian(message.AsSpan(14), checked((ushort)message.Length));
        message[16] = EventPipeCommands;
        message[17] = command;
        payload.CopyTo(message, 20);
        socket.Send(message);
    }

    /// <summary>The payload of an OK reply; an error reply's HRESULT becomes the exception's message.</summary>
    private static byte[] Reply(Socket socket)
    {
        var header = Receive(socket, 20);
        if (!header.AsSpan(0, 14).SequenceEqual("DOTNET_IPC_V1\0"u8))
            throw new DiagnosticPortException("the diagnostic port answered with something other than a DOTNET_IPC_V1 message");
        int size = BinaryPrimitives.ReadUInt16LittleEndian(header.AsSpan(14));
        if (size < 20) throw new DiagnosticPortException($"the diagnostic port answered with a message of {size} bytes");
        var payload = Receive(socket, size - 20);
        if (header[16] != ServerResponse || header[17] != Ok)
        {
            uint hresult = payload.Length >= 4 ? BinaryPrimitives.ReadUInt32LittleEndian(payload) : 0;
            throw new DiagnosticPortException($"the runtime refused the request (HRESULT 0x{hresult:X8})");
        }
        if (payload.Length < 8) throw new DiagnosticPortException("the diagnostic port's reply is shorter than a session id");
        return payload;
    }

    private static byte[] Receive(Socket socket, int n)
    {
        var buffer = new byte[n];
        int read = 0;
        try
        {
            while (read < n)
            {
                int got = socket.Receive(buffer, read, n - read, SocketFlags.None);
                if (got == 0) throw new DiagnosticPortException("the diagnostic port closed the connection before answering");
                read += got;
            }
        }
        catch (SocketException e) when (e.SocketErrorCode == SocketError.TimedOut)
        {
            throw new DiagnosticPortException($"the runtime did not answer within {ReplyTimeout.TotalSeconds:0} s");
        }
        return buffer;
    }
}

/// <summary>The diagnostic port could not be reached, or answered with something else than asked for.</summary>
public sealed class DiagnosticPortException(string message) : Exception(message);
