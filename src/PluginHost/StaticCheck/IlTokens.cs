using System.Reflection.Metadata;

namespace NetnsPolicy.PluginHost.StaticCheck;

/// <summary>Walks a method body's IL and yields the metadata tokens its instructions name (ECMA-335 §III).</summary>
internal static class IlTokens
{
    public static IEnumerable<int> Read(BlobReader il)
    {
        while (il.RemainingBytes > 0)
        {
            int op = il.ReadByte();
            if (op == 0xFE)
            {
                op = 0xFE00 | il.ReadByte();
            }

            switch (OperandOf(op))
            {
                case Operand.Token:
                    yield return il.ReadInt32();
                    break;
                case Operand.Switch:
                    var count = il.ReadInt32();
                    il.Offset += 4 * count;
                    break;
                case var size:
                    il.Offset += (int)size;
                    break;
            }
        }
    }

    private enum Operand
    {
        None = 0,
        One = 1,
        Two = 2,
        Four = 4,
        Eight = 8,
        Token = -1,
        Switch = -2,
    }

    private static Operand OperandOf(int op) => op switch
    {
        // ldarg.s … stloc.s, ldc.i4.s, short branches, leave.s; unaligned., no.
        >= 0x0E and <= 0x13 or 0x1F or >= 0x2B and <= 0x37 or 0xDE or 0xFE12 or 0xFE19 => Operand.One,
        // ldarg … stloc (long forms)
        >= 0xFE09 and <= 0xFE0E => Operand.Two,
        // ldc.i4, ldc.r4, long branches, leave
        0x20 or 0x22 or >= 0x38 and <= 0x44 or 0xDD => Operand.Four,
        // ldc.i8, ldc.r8
        0x21 or 0x23 => Operand.Eight,
        0x45 => Operand.Switch,
        // jmp, call, calli, callvirt, cpobj, ldobj, ldstr, newobj, castclass, isinst, unbox, ldfld…stsfld, stobj, box, newarr, ldelema, ldelem, stelem, unbox.any,
        // refanyval, mkrefany, ldtoken, ldftn, ldvirtftn, initobj, constrained., sizeof
        0x27 or 0x28 or 0x29 or >= 0x6F and <= 0x75 or 0x79 or >= 0x7B and <= 0x81 or 0x8C or 0x8D or 0x8F or 0xA3 or 0xA4 or 0xA5 or 0xC2 or 0xC6 or 0xD0
            or 0xFE06 or 0xFE07 or 0xFE15 or 0xFE16 or 0xFE1C => Operand.Token,
        _ => Operand.None,
    };
}
