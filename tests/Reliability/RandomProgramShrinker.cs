using System;
using System.Collections.Generic;

namespace CoSched.Tests.Reliability;

/// <summary>
/// Shrinks a failing <see cref="RandomProgram"/> greedily: repeatedly take the first smaller variant that still fails,
/// until none does. Variants drop a host step or one operation anywhere in the tree (a spawn or group with its whole
/// body), then simplify flags. Ids are kept, so what remains still means the same thing.
/// </summary>
internal static class RandomProgramShrinker
{
    public static RandomProgram Shrink(RandomProgram program, Func<RandomProgram, bool> fails, int maxRuns = 3000)
    {
        int runs = 0;
        bool progress = true;
        while (progress && runs < maxRuns)
        {
            progress = false;
            foreach (RandomProgram candidate in Variants(program))
            {
                if (++runs > maxRuns) break;
                if (!fails(candidate)) continue;
                program = candidate;
                progress = true;
                break;
            }
        }
        return program;
    }

    private static IEnumerable<RandomProgram> Variants(RandomProgram p)
    {
        for (int i = 0; i < p.Host.Length; i++) yield return p with { Host = Without(p.Host, i) };
        foreach (Op[] root in Variants(p.Root)) yield return p with { Root = root };
        for (int i = 0; i < p.Lazies.Length; i++)
            foreach (Op[] body in Variants(p.Lazies[i]))
            {
                var lazies = (Op[][])p.Lazies.Clone();
                lazies[i] = body;
                yield return p with { Lazies = lazies };
            }
        for (int i = 0; i < p.Host.Length; i++)
        {
            HostStep h = p.Host[i];
            if (h.Action is not null) yield return p with { Host = With(p.Host, i, h with { Action = null }) };
            if (h.Steps > 1) yield return p with { Host = With(p.Host, i, h with { Steps = 1 }) };
        }
    }

    /// <summary>Smaller or simpler versions of a body: removals first (they shrink most), then nested changes, then flags.</summary>
    private static IEnumerable<Op[]> Variants(Op[] ops)
    {
        for (int i = 0; i < ops.Length; i++) yield return Without(ops, i);
        for (int i = 0; i < ops.Length; i++)
        {
            if (ops[i].Children is not { } body) continue;
            foreach (Op[] smaller in Variants(body)) yield return With(ops, i, ops[i].WithChildren(smaller));
        }
        // Hoist a nested body in place of the operation that wraps it (a try, a spawn, a group, a timeout).
        for (int i = 0; i < ops.Length; i++)
        {
            if (ops[i].Children is not { } body) continue;
            var spliced = new Op[ops.Length - 1 + body.Length];
            Array.Copy(ops, 0, spliced, 0, i);
            Array.Copy(body, 0, spliced, i, body.Length);
            Array.Copy(ops, i + 1, spliced, i + body.Length, ops.Length - i - 1);
            yield return spliced;
        }
        for (int i = 0; i < ops.Length; i++)
        {
            Op? simpler = ops[i] switch
            {
                SpawnOp { NoWait: true } s => s with { NoWait = false },
                SpawnOp { AllowFailure: true } s => s with { AllowFailure = false },
                GroupOp { Catch: true } g => g with { Catch = false },
                CloseOp { Clear: true } c => c with { Clear = false },
                CloseOp { WithError: true } c => c with { WithError = false },
                DeferOp { Async: true } d => d with { Async = false },
                DeferOp { Throws: true } d => d with { Throws = false },
                SignalOp { Broadcast: true } s => s with { Broadcast = false },
                CompleteForeignOp { Fail: true } f => f with { Fail = false },
                ForeignAwaitOp { ObservesToken: true } f => f with { ObservesToken = false },
                ShieldOp { Pauses: > 1 } s => s with { Pauses = 1 },
                ShieldOp { SleepMs: > 0 } s => s with { SleepMs = 0 },
                TimeoutOp { Catch: true } t => t with { Catch = false },
                TimeoutOp { OrDefault: true } t => t with { OrDefault = false },
                _ => null,
            };
            if (simpler is not null) yield return With(ops, i, simpler);
        }
    }

    private static T[] Without<T>(T[] items, int index)
    {
        var shorter = new T[items.Length - 1];
        Array.Copy(items, 0, shorter, 0, index);
        Array.Copy(items, index + 1, shorter, index, items.Length - index - 1);
        return shorter;
    }

    private static T[] With<T>(T[] items, int index, T item)
    {
        var copy = (T[])items.Clone();
        copy[index] = item;
        return copy;
    }
}
