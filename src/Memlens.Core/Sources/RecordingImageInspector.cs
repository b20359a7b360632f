using Memlens.Core.Model;

namespace Memlens.Core.Sources;

/// <summary>Passes each question to a live inspector and remembers the answer for the manifest.</summary>
internal sealed class RecordingImageInspector(IImageInspector inner) : IImageInspector
{
    private readonly Dictionary<(string, ulong, string), RecordedImage> _seen = [];

    public IReadOnlyList<RecordedImage> Recorded => [.. _seen.Values];

    public ImageLayout? Inspect(Region region, out string? problem)
    {
        var layout = inner.Inspect(region, out problem);
        _seen[(region.Map.FilePath, region.Map.Inode, region.Map.Device)] = new RecordedImage(region.Map.FilePath, region.Map.Inode, region.Map.Device, layout, problem);
        return layout;
    }
}

/// <summary>Answers from a manifest: the layouts the capturing machine saw.</summary>
internal sealed class RecordedImageInspector(IReadOnlyList<RecordedImage> images) : IImageInspector
{
    private readonly Dictionary<(string, ulong, string), RecordedImage> _byKey =
        images.GroupBy(i => (i.Path, i.Inode, i.Device)).ToDictionary(g => g.Key, g => g.First());

    public ImageLayout? Inspect(Region region, out string? problem)
    {
        if (_byKey.TryGetValue((region.Map.FilePath, region.Map.Inode, region.Map.Device), out var image))
        {
            problem = image.Problem;
            return image.Layout;
        }
        problem = "ELF headers not recorded in the snapshot";
        return null;
    }
}
