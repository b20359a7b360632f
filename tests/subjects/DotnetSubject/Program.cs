// Test subject: a .NET program that allocates some managed memory, collects once, prints "ready", and waits for stdin to close.
var keep = new List<byte[]>();
for (int i = 0; i < 32; i++) keep.Add(new byte[1 << 20]);          // 32 MiB on the GC heap (LOH)
GC.Collect();                                                      // so the GC's per-generation figures (as of the last collection) hold them
var threads = Enumerable.Range(0, 3).Select(i => new Thread(() => Thread.Sleep(Timeout.Infinite)) { IsBackground = true, Name = $"subject-{i}" }).ToList();
threads.ForEach(t => t.Start());
Console.WriteLine($"ready {keep.Count}");
Console.Out.Flush();
Console.In.ReadToEnd();
GC.KeepAlive(keep);
