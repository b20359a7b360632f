using Memlens.Core.Classification;
using Memlens.Core.Model;

namespace Memlens.Core.Runtimes.Dotnet;

/// <summary>
/// CoreCLR's file-backed mappings: the W^X double-mapped executable memory (/memfd:doublemapper,
/// minipal/Unix/doublemapping.cpp), the diagnostics IPC memfd, and managed assemblies mapped as files.
/// </summary>
public sealed class DotnetFileRule : IClassificationRule
{
    public void Apply(ClassificationContext context)
    {
        foreach (var r in context.Regions)
        {
            if (context.IsClaimed(r) || !r.Map.FileBacked) continue;
            string path = r.Map.FilePath;
            if (path == "/memfd:doublemapper")
            {
                string detail = r.Map.NoAccess ? "reserved" : r.Map.Executable ? "code (rx view)" : r.Map.Writable ? "code and data (rw view)" : "read-only view";
                context.Claim(r, new LabelledOwner(Kinds.Dotnet, ".NET executable memory (double-mapped)"), detail,
                    "/memfd:doublemapper in a CoreCLR process: JIT code and stubs mapped twice from one memfd, an RX view and an RW view (W^X, DOTNET_EnableWriteXorExecute)", Confidence.Confirmed);
            }
            else if (path.StartsWith("/memfd:dotnet", StringComparison.Ordinal))
                context.Claim(r, new LabelledOwner(Kinds.Dotnet, path), "", "a memfd named by the .NET runtime", Confidence.Confirmed);
            else if (path.EndsWith(".dll", StringComparison.OrdinalIgnoreCase))
                context.Claim(r, new FileOwner(Kinds.Image, path), Images.ImageRule.ByPermissions(r), "a managed (PE) assembly mapped by CoreCLR's loader; segment by permissions", Confidence.Confirmed);
        }
    }
}
