namespace NetnsPolicy.Simulation.Kernel;

/// <summary>
/// Slots of one kind for a run, indexed from 0, in chunks of 4096: past the first, growing adds a chunk and never
/// copies (a geometric array growth would allocate twice the final size, each copy in the large-object heap). With
/// <typeparamref name="T"/> free of references a chunk is one object the collector neither scans nor, in the
/// large-object heap (4096 slots of the structs here are past its 85 000-byte threshold), copies — unlike one object
/// per net or device, which every collection marks and promotes while 10^5 nets are alive (issue 16, large bursts).
/// The first chunk starts at 64 slots, or at the count the run is known to need, and doubles up to 4096: a small run
/// allocates kilobytes, a burst its chunks once.
/// </summary>
/// <param name="expected">Slots the run is known to need at once (a burst's nets), 1 when unknown.</param>
internal sealed class SlotChunks<T>(int expected = 1)
{
    private const int Shift = 12;
    private const int Mask = (1 << Shift) - 1;
    private const int FirstLength = 64;
    private T[][] _chunks = [];

    /// <summary>The slot at <paramref name="index"/>; it must have been made available by <see cref="Ensure"/>.</summary>
    public ref T this[int index] => ref _chunks[index >> Shift][index & Mask];

    /// <summary>
    /// Makes slot <paramref name="index"/> available (zeroed when new), adding chunks as needed. Only the first chunk is
    /// ever copied (while it grows): a reference into a slot is valid until the next allocation of that kind while the
    /// run has at most 4096 of them, for the whole run after.
    /// </summary>
    public void Ensure(int index)
    {
        var chunk = index >> Shift;
        if (chunk < _chunks.Length && _chunks[chunk] is { } existing && (index & Mask) < existing.Length)
        {
            return;
        }

        if (chunk >= _chunks.Length)
        {
            Array.Resize(ref _chunks, Math.Max(chunk + 1, _chunks.Length * 2));
        }

        if (chunk == 0)
        {
            var length = _chunks[0]?.Length ?? FirstLength;
            while (length < Math.Min(expected, 1 << Shift))
            {
                length *= 2;
            }

            while (length <= index)
            {
                length *= 2;
            }

            Engine.Arrays.Resize(ref _chunks[0], Math.Min(length, 1 << Shift));
            return;
        }

        _chunks[chunk] = new T[1 << Shift];
    }
}
