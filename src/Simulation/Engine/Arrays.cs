using System.Diagnostics.CodeAnalysis;

namespace NetnsPolicy.Simulation.Engine;

/// <summary>
/// <see cref="Array.Resize{T}"/> for the engine's and kernel model's struct arrays. Defined here so that ReadyToRun
/// precompiles its instantiations over this assembly's structs; CoreLib's generic over them is left to the tier-0 JIT at
/// start-up (see <see cref="RingQueue{T}"/>).
/// </summary>
internal static class Arrays
{
    /// <summary>As <see cref="Array.Resize{T}"/>: a new array of <paramref name="length"/> with the old items first.</summary>
    public static void Resize<T>([NotNull] ref T[]? array, int length)
    {
        var resized = new T[length];
        if (array is not null)
        {
            Array.Copy(array, resized, Math.Min(array.Length, length));
        }

        array = resized;
    }
}
