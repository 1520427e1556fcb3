namespace NetnsPolicy.PluginHost.StaticCheck;

/// <summary>
/// What a policy may not reference. Decisions must be deterministic functions of the simulated state (ICleanupPolicy
/// remarks), so anything that reads the host's clock, schedules work, does I/O, reads the environment or draws
/// unseeded randomness is refused before the plugin is loaded.
/// </summary>
internal static class ForbiddenApis
{
    // Whole namespaces (a type in them or in a sub-namespace). System.Threading is handled separately: only
    // Interlocked and Volatile are allowed there, because a policy is called from one thread and never needs to wait.
    private static readonly (string Namespace, string Why)[] Namespaces =
    [
        ("System.Threading.Tasks", "tasks"),
        ("System.Threading.Channels", "threads"),
        ("System.Net", "network I/O"),
        ("System.IO.Pipes", "I/O"),
        ("System.IO.MemoryMappedFiles", "file I/O"),
        ("System.Timers", "timers"),
        ("System.Reflection.Emit", "code generation"),
        ("System.Linq.Expressions", "expression trees (code compiled from names given as strings)"),
        ("System.Reflection", "reflection"),
        ("System.Runtime.Loader", "assembly loading"),
    ];

    private static readonly Dictionary<string, string> Types = new(StringComparer.Ordinal)
    {
        ["System.Diagnostics.Stopwatch"] = "the wall clock",
        ["System.Diagnostics.Process"] = "the process API",
        ["System.Diagnostics.ProcessStartInfo"] = "the process API",
        ["System.Diagnostics.Debugger"] = "the process API",
        ["System.Environment"] = "the environment",
        ["System.AppContext"] = "the environment",
        ["System.AppDomain"] = "the environment",
        ["System.Console"] = "console I/O",
        ["System.GC"] = "the garbage collector",
        ["System.Activator"] = "reflection",
        ["System.IO.File"] = "file I/O",
        ["System.IO.FileInfo"] = "file I/O",
        ["System.IO.FileStream"] = "file I/O",
        ["System.IO.FileSystemInfo"] = "file I/O",
        ["System.IO.FileSystemWatcher"] = "file I/O",
        ["System.IO.Directory"] = "file I/O",
        ["System.IO.DirectoryInfo"] = "file I/O",
        ["System.IO.DriveInfo"] = "file I/O",
        ["System.IO.StreamReader"] = "file I/O",
        ["System.IO.StreamWriter"] = "file I/O",
        ["System.IO.RandomAccess"] = "file I/O",
        ["System.Security.Cryptography.RandomNumberGenerator"] = "unseeded randomness",
        ["System.Reflection.Assembly"] = "reflection",
        ["System.Reflection.MethodBase"] = "reflection",
        ["System.Reflection.MethodInfo"] = "reflection",
        ["System.Reflection.ConstructorInfo"] = "reflection",
        ["System.Reflection.FieldInfo"] = "reflection",
        ["System.Reflection.PropertyInfo"] = "reflection",
        ["System.Runtime.Loader.AssemblyLoadContext"] = "assembly loading",
        ["System.Runtime.InteropServices.Marshal"] = "native interop",
        ["System.Runtime.InteropServices.NativeMemory"] = "native interop",
        ["System.Runtime.InteropServices.NativeLibrary"] = "native interop",
        ["System.Runtime.InteropServices.GCHandle"] = "native interop",
        ["System.Runtime.InteropServices.MemoryMarshal"] = "unsafe memory access",
        ["System.Runtime.CompilerServices.Unsafe"] = "unsafe memory access",
        ["System.Security.UnverifiableCodeAttribute"] = "unsafe code (compiled with AllowUnsafeBlocks)",
        ["System.Runtime.CompilerServices.ModuleInitializerAttribute"] = "code run at load (module initializer)",
        ["System.Delegate"] = "reflection invocation",
        ["System.MulticastDelegate"] = "reflection invocation",
        ["System.RuntimeMethodHandle"] = "reflection invocation",
        ["System.Linq.Queryable"] = "expression trees (code compiled from names given as strings)",
    };

    private static readonly Dictionary<(string Type, string Member), string> Members = new()
    {
        [("System.DateTime", "get_Now")] = "the wall clock",
        [("System.DateTime", "get_UtcNow")] = "the wall clock",
        [("System.DateTime", "get_Today")] = "the wall clock",
        [("System.DateTimeOffset", "get_Now")] = "the wall clock",
        [("System.DateTimeOffset", "get_UtcNow")] = "the wall clock",
        [("System.TimeProvider", "get_System")] = "the wall clock",
        [("System.TimeProvider", "GetUtcNow")] = "the wall clock",
        [("System.TimeProvider", "GetLocalNow")] = "the wall clock",
        [("System.TimeProvider", "GetTimestamp")] = "the wall clock",
        [("System.Random", "get_Shared")] = "unseeded randomness",
        [("System.Guid", "NewGuid")] = "unseeded randomness",
        [("System.Guid", "CreateVersion7")] = "the wall clock",
        [("System.Type", "GetType")] = "reflection",
        [("System.Type", "InvokeMember")] = "reflection",
        [("System.Type", "GetMethod")] = "reflection",
        [("System.Type", "GetMethods")] = "reflection",
        [("System.Type", "GetMember")] = "reflection",
        [("System.Type", "GetMembers")] = "reflection",
        [("System.Type", "GetProperty")] = "reflection",
        [("System.Type", "GetProperties")] = "reflection",
        [("System.Type", "GetField")] = "reflection",
        [("System.Type", "GetFields")] = "reflection",
        [("System.Type", "GetConstructor")] = "reflection",
        [("System.Type", "GetConstructors")] = "reflection",
        [("System.Type", "GetNestedType")] = "reflection",
        [("System.Type", "get_TypeInitializer")] = "reflection",
        [("System.Type", "get_Assembly")] = "reflection",
        [("System.Type", "MakeGenericType")] = "reflection",
        [("System.String", "GetPinnableReference")] = "unsafe code (fixed on a string)",
        [("System.Runtime.CompilerServices.RuntimeHelpers", "RunClassConstructor")] = "reflection invocation",
        [("System.Runtime.CompilerServices.RuntimeHelpers", "RunModuleConstructor")] = "reflection invocation",
        [("System.Runtime.CompilerServices.RuntimeHelpers", "GetUninitializedObject")] = "reflection invocation",
        [("System.Runtime.CompilerServices.RuntimeHelpers", "PrepareMethod")] = "reflection invocation",
        [("System.Runtime.CompilerServices.RuntimeHelpers", "get_OffsetToStringData")] = "unsafe code (fixed on a string)",
    };

    // Members of forbidden types the compiler itself emits (iterators compare Environment.CurrentManagedThreadId).
    private static readonly HashSet<(string Type, string Member)> AllowedMembers =
    [
        ("System.Environment", "get_CurrentManagedThreadId"),
        ("System.Environment", "get_NewLine"),
    ];

    private static readonly HashSet<string> AllowedThreading = new(StringComparer.Ordinal)
    {
        "System.Threading.Interlocked",
        "System.Threading.Volatile",
    };

    /// <summary>Why a reference to <paramref name="typeName"/> is forbidden, or null.</summary>
    public static string? ForType(string typeName)
    {
        var outer = typeName.Split('+')[0];

        // The compiler describes every assembly with System.Reflection attributes; those are data, not reflection.
        if (outer.StartsWith("System.Reflection.", StringComparison.Ordinal) && outer.EndsWith("Attribute", StringComparison.Ordinal)
            && !outer.StartsWith("System.Reflection.Emit.", StringComparison.Ordinal))
        {
            return null;
        }

        if (Types.TryGetValue(outer, out var why))
        {
            return why;
        }

        if (outer.StartsWith("System.Threading.", StringComparison.Ordinal) && !AllowedThreading.Contains(outer))
        {
            return outer.StartsWith("System.Threading.Tasks.", StringComparison.Ordinal) ? "tasks" : "threads";
        }

        foreach (var (ns, nsWhy) in Namespaces)
        {
            if (outer.StartsWith(ns + ".", StringComparison.Ordinal))
            {
                return nsWhy;
            }
        }

        return null;
    }

    /// <summary>Why a reference to <paramref name="member"/> of <paramref name="typeName"/> is forbidden, or null.</summary>
    /// <param name="typeName">The declaring type's full name.</param>
    /// <param name="member">The member's metadata name (<c>get_Now</c>, <c>.ctor</c>).</param>
    /// <param name="parameterCount">Parameters of a method reference.</param>
    public static string? ForMember(string typeName, string member, int parameterCount)
    {
        if (AllowedMembers.Contains((typeName, member)))
        {
            return null;
        }

        if (ForType(typeName) is { } why)
        {
            return why;
        }

        if (typeName == "System.Random" && member == ".ctor" && parameterCount == 0)
        {
            return "unseeded randomness (use new Random(seed))";
        }

        return Members.GetValueOrDefault((typeName, member));
    }
}
