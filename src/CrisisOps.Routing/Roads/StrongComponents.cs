namespace CrisisOps.Routing.Roads;

/// <summary>The largest strongly connected part of a directed graph (Kosaraju, iterative: extracts are too deep for recursion).</summary>
internal static class StrongComponents
{
    /// <summary>For each node, whether it belongs to the largest set of nodes that can all reach each other.</summary>
    /// <param name="arcs">Directed arcs as (from, to).</param>
    public static bool[] Largest(int nodeCount, IReadOnlyList<(int From, int To)> arcs)
    {
        var (outStart, outTo) = Csr(nodeCount, arcs, reverse: false);
        var (inStart, inTo) = Csr(nodeCount, arcs, reverse: true);

        // First pass: nodes in order of finishing a depth-first search on the forward arcs.
        var order = new List<int>(nodeCount);
        var seen = new bool[nodeCount];
        var stack = new Stack<(int Node, int Next)>();
        for (var root = 0; root < nodeCount; root++)
        {
            if (seen[root])
            {
                continue;
            }

            seen[root] = true;
            stack.Push((root, outStart[root]));
            while (stack.Count > 0)
            {
                var (node, next) = stack.Pop();
                if (next < outStart[node + 1])
                {
                    stack.Push((node, next + 1));
                    var to = outTo[next];
                    if (!seen[to])
                    {
                        seen[to] = true;
                        stack.Push((to, outStart[to]));
                    }
                }
                else
                {
                    order.Add(node);
                }
            }
        }

        // Second pass: in reverse finishing order on the reversed arcs, each tree is one component.
        var component = new int[nodeCount];
        Array.Fill(component, -1);
        var sizes = new List<int>();
        var pending = new Stack<int>();
        for (var k = order.Count - 1; k >= 0; k--)
        {
            var root = order[k];
            if (component[root] >= 0)
            {
                continue;
            }

            var id = sizes.Count;
            var size = 0;
            component[root] = id;
            pending.Push(root);
            while (pending.Count > 0)
            {
                var node = pending.Pop();
                size++;
                for (var a = inStart[node]; a < inStart[node + 1]; a++)
                {
                    if (component[inTo[a]] < 0)
                    {
                        component[inTo[a]] = id;
                        pending.Push(inTo[a]);
                    }
                }
            }

            sizes.Add(size);
        }

        var largest = sizes.Count == 0 ? -1 : sizes.IndexOf(sizes.Max());
        return [.. component.Select(c => c == largest)];
    }

    private static (int[] Start, int[] To) Csr(int nodeCount, IReadOnlyList<(int From, int To)> arcs, bool reverse)
    {
        var start = new int[nodeCount + 1];
        foreach (var (from, to) in arcs)
        {
            start[(reverse ? to : from) + 1]++;
        }

        for (var i = 0; i < nodeCount; i++)
        {
            start[i + 1] += start[i];
        }

        var fill = start[..^1].ToArray();
        var target = new int[arcs.Count];
        foreach (var (from, to) in arcs)
        {
            target[fill[reverse ? to : from]++] = reverse ? from : to;
        }

        return (start, target);
    }
}
