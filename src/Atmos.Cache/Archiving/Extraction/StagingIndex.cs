using System.Runtime.CompilerServices;
using System.Text;
using Atmos.Cache.Errors;
using Atmos.Cache.Platform;

namespace Atmos.Cache.Archiving.Extraction;

/// <summary>
/// Remembers what each path in the staging tree is, so that the archive cannot write through a
/// symbolic link it created, nor name one path twice with different types. Creates the parent
/// folders that entries need. Invariant: every registered path's ancestors are registered folders.
/// </summary>
/// <remarks>
/// A tree, not a set of full paths: each node keeps its parent and its own name (UTF-8, in
/// <see cref="NameArena"/>), so memory grows with the distinct names, not with the length of the
/// paths, and a parent chain is walked in time linear in the path. Bounded by <see cref="MaxNodes"/>
/// nodes and <see cref="NameArena.MaxBytes"/> bytes of names and link targets.
/// </remarks>
internal sealed class StagingIndex
{
    /// <summary>Paths the index holds, entries and the parent folders they imply (two per entry at the default entry limit).</summary>
    public const int MaxNodes = 4_000_000;

    private const int RootNode = 0;
    private const int MaxLinkHops = 40;
    private const int Outside = -1;
    private const int Resolving = -2;

    public enum Kind : byte
    {
        Folder,
        File,
        Symlink,
    }

    private readonly string _stagingRoot;
    private readonly int _maxNodes;
    private readonly NameArena _names;
    // On case-insensitive file systems "Link/x" would write through "link": names are kept folded there,
    // and each name also as the archive spelled it, to refuse two names that differ only in case.
    private readonly bool _foldCase;
    private readonly NameArena? _spellings;
    private readonly Dictionary<int, (int Offset, int Length)> _spellingOf = [];
    private readonly Dictionary<int, (int Offset, int Length)> _linkTargets = [];
    private readonly Dictionary<int, (int Mode, DateTime ModifiedUtc)> _folderMetadata = [];
    private readonly Dictionary<int, (int Node, int UnknownDepth)> _resolved = [];
    private Node[] _nodes = new Node[1024];
    private int[] _buckets = new int[1024];
    private int _count;
    private string? _lastParentPath;
    private int _lastParentNode;

    public StagingIndex(string stagingRoot, int maxNodes = MaxNodes, long maxNameBytes = NameArena.MaxBytes)
    {
        _stagingRoot = stagingRoot;
        _maxNodes = maxNodes;
        _names = new NameArena(maxNameBytes);
        _foldCase = FilePlatform.Current.IgnoresCase;
        _spellings = _foldCase ? new NameArena(maxNameBytes) : null;
        _nodes[0] = new Node { Parent = -1, Kind = Kind.Folder };
        _count = 1;
    }

    /// <summary>The archived symbolic links, as node ids.</summary>
    public IEnumerable<int> Symlinks => _linkTargets.Keys;

    /// <summary>
    /// Registers an entry and makes sure its parent folders exist. Returns the entry's node;
    /// <paramref name="replace"/> is true when an earlier entry of the same type wrote the path.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public int Register(string relativePath, Kind kind, string entryName, out bool replace)
    {
        var slash = relativePath.LastIndexOf('/');
        var parent = slash < 0 ? RootNode : ParentFolder(relativePath, slash, entryName);
        var leaf = relativePath.AsSpan(slash + 1);
        var existing = Find(parent, leaf);
        if (existing >= 0)
        {
            RefuseCaseVariant(existing, leaf, entryName);
            if (_nodes[existing].Kind != kind)
            {
                throw EntryPathValidator.Unsafe(entryName, $"names a {Describe(_nodes[existing].Kind)} that an earlier entry created, this time as a {Describe(kind)}");
            }

            replace = true;
            return existing;
        }

        replace = false;
        return Add(parent, leaf, kind, entryName);
    }

    public void SetFolderMetadata(int node, int mode, DateTime modifiedUtc) => _folderMetadata[node] = (mode, modifiedUtc);

    public void SetLinkTarget(int node, string target, string entryName) => _linkTargets[node] = Store(target, entryName);

    /// <summary>The target of a registered link.</summary>
    public string LinkTargetOf(int node)
    {
        var (offset, length) = _linkTargets[node];
        return Encoding.UTF8.GetString(_names.Get(offset, length));
    }

    /// <summary>The root-relative path of a node (case-folded where the file system ignores case).</summary>
    public string PathOf(int node)
    {
        var length = 0;
        for (var n = node; n != RootNode; n = _nodes[n].Parent)
        {
            length += _nodes[n].NameLength + 1;
        }

        var bytes = new byte[Math.Max(0, length - 1)];
        var end = bytes.Length;
        for (var n = node; n != RootNode; n = _nodes[n].Parent)
        {
            var name = _names.Get(_nodes[n].NameOffset, _nodes[n].NameLength);
            end -= name.Length;
            name.CopyTo(bytes.AsSpan(end));
            if (end > 0)
            {
                bytes[--end] = (byte)'/';
            }
        }

        return Encoding.UTF8.GetString(bytes);
    }

    /// <summary>Archived folders with their mode and time, deepest first (writing into a folder changes its time).</summary>
    public IEnumerable<(string Path, int Mode, DateTime ModifiedUtc)> FoldersDeepestFirst()
    {
        var folders = new (int Depth, int Node)[_folderMetadata.Count];
        var i = 0;
        foreach (var node in _folderMetadata.Keys)
        {
            folders[i++] = (-Depth(node), node);
        }

        Array.Sort(folders);
        foreach (var (_, node) in folders)
        {
            var (mode, modified) = _folderMetadata[node];
            yield return (PathOf(node), mode, modified);
        }
    }

    /// <summary>
    /// Whether the link at <paramref name="linkNode"/> resolves inside the root, following the other
    /// archived links it passes through (a link to "y/.." where y is a link to "." escapes, though it
    /// looks harmless). Call once every entry is registered: each link is resolved once and
    /// remembered (a link resolves the same way wherever it is reached from), so checking all links
    /// takes time linear in the length of all targets together.
    /// </summary>
    public bool StaysInside(int linkNode) => Resolve(linkNode, 0).Node != Outside;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private (int Node, int UnknownDepth) Resolve(int link, int depth)
    {
        if (_resolved.TryGetValue(link, out var known))
        {
            // Still being resolved: a loop, which counts as leaving the root.
            return known.Node == Resolving ? (Outside, 0) : known;
        }

        if (depth > MaxLinkHops)
        {
            return (Outside, 0);
        }

        _resolved[link] = (Resolving, 0);
        var (offset, length) = _linkTargets[link];
        var current = _nodes[link].Parent;
        // Components below a path the archive never created: no archived link can be among them.
        var unknownDepth = 0;
        var position = 0;
        while (position <= length && current != Outside)
        {
            var rest = _names.Get(offset + position, length - position);
            var slash = rest.IndexOf((byte)'/');
            var segment = slash < 0 ? rest : rest[..slash];
            position += segment.Length + 1;
            if (segment.Length == 0 || segment.SequenceEqual("."u8))
            {
                continue;
            }

            if (segment.SequenceEqual(".."u8))
            {
                if (unknownDepth > 0)
                {
                    unknownDepth--;
                }
                else
                {
                    current = current == RootNode ? Outside : _nodes[current].Parent;
                }
            }
            else if (unknownDepth > 0)
            {
                unknownDepth++;
            }
            else
            {
                var child = FindUtf8(current, segment);
                if (child < 0)
                {
                    unknownDepth = 1;
                }
                else if (_nodes[child].Kind == Kind.Symlink)
                {
                    (current, unknownDepth) = Resolve(child, depth + 1);
                }
                else
                {
                    current = child;
                }
            }
        }

        var result = current == Outside ? (Outside, 0) : (current, unknownDepth);
        _resolved[link] = result;
        return result;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private int ParentFolder(string relativePath, int slash, string entryName)
    {
        var parentPath = relativePath.AsSpan(0, slash);
        // Archives list a folder's entries together: most entries share the previous one's parent.
        if (_lastParentPath is not null && parentPath.SequenceEqual(_lastParentPath))
        {
            return _lastParentNode;
        }

        var node = RootNode;
        var start = 0;
        while (start < slash)
        {
            var end = relativePath.IndexOf('/', start);
            var name = relativePath.AsSpan(start, end - start);
            var child = Find(node, name);
            if (child >= 0)
            {
                RefuseCaseVariant(child, name, entryName);
            }

            if (child < 0)
            {
                // The rest of the chain is new: one call creates it, then each level is registered.
                Directory.CreateDirectory(Path.Combine(_stagingRoot, relativePath[..slash]));
                while (true)
                {
                    node = Add(node, name, Kind.Folder, entryName);
                    if (end == slash)
                    {
                        break;
                    }

                    start = end + 1;
                    end = relativePath.IndexOf('/', start);
                    name = relativePath.AsSpan(start, end - start);
                }

                break;
            }

            switch (_nodes[child].Kind)
            {
                case Kind.Folder:
                    node = child;
                    break;
                case Kind.Symlink:
                    throw EntryPathValidator.Unsafe(entryName, $"would be written through the symbolic link '{EntryPathValidator.Display(relativePath[..end])}' created by an earlier entry");
                default:
                    throw EntryPathValidator.Unsafe(entryName, $"needs '{EntryPathValidator.Display(relativePath[..end])}' to be a folder, but an earlier entry made it a file");
            }

            start = end + 1;
        }

        _lastParentPath = relativePath[..slash];
        _lastParentNode = node;
        return node;
    }

    private int Find(int parent, ReadOnlySpan<char> name)
    {
        Span<byte> buffer = stackalloc byte[1024];
        var key = Key(name, buffer, out var rented);
        try
        {
            return FindUtf8(parent, key);
        }
        finally
        {
            if (rented is not null)
            {
                System.Buffers.ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private int FindUtf8(int parent, ReadOnlySpan<byte> name)
    {
        for (var n = _buckets[Hash(parent, name) & (_buckets.Length - 1)] - 1; n >= 0; n = _nodes[n].Next - 1)
        {
            ref readonly var node = ref _nodes[n];
            if (node.Parent == parent && _names.Get(node.NameOffset, node.NameLength).SequenceEqual(name))
            {
                return n;
            }
        }

        return -1;
    }

    private int Add(int parent, ReadOnlySpan<char> name, Kind kind, string entryName)
    {
        if (_count >= _maxNodes)
        {
            throw new CacheArchiveException(
                $"The cache archive goes over a limit, so it was not restored: it creates more than {_maxNodes} paths; '{EntryPathValidator.Display(entryName)}' is one too many.");
        }

        var (offset, length) = Store(name, entryName);
        if (_count == _nodes.Length)
        {
            Array.Resize(ref _nodes, Math.Min(_nodes.Length * 2, _maxNodes));
        }

        var id = _count++;
        _nodes[id] = new Node { Parent = parent, NameOffset = offset, NameLength = checked((ushort)length), Kind = kind };
        if (_spellings is not null)
        {
            _spellingOf[id] = _spellings.Add(Encoding.UTF8.GetBytes(name.ToArray())) ?? throw NamesOverLimit(entryName);
        }

        if (_count > _buckets.Length)
        {
            Rehash(_buckets.Length * 2);
        }
        else
        {
            Link(id);
        }

        return id;
    }

    private (int Offset, int Length) Store(ReadOnlySpan<char> text, string entryName)
    {
        Span<byte> buffer = stackalloc byte[1024];
        var bytes = Key(text, buffer, out var rented);
        try
        {
            return _names.Add(bytes) ?? throw NamesOverLimit(entryName);
        }
        finally
        {
            if (rented is not null)
            {
                System.Buffers.ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    private CacheArchiveException NamesOverLimit(string entryName) => new(
        $"The cache archive goes over a limit, so it was not restored: its names and link targets need more than {_names.Limit} bytes of memory; '{EntryPathValidator.Display(entryName)}' goes over it.");

    /// <summary>
    /// Refuses a name that matches an earlier one only when case is ignored (<c>a.txt</c> after
    /// <c>A.txt</c>): on a file system that ignores case both would be one file, and which content
    /// or type won would depend on the order. The same name spelled the same way again is a replace.
    /// </summary>
    private void RefuseCaseVariant(int node, ReadOnlySpan<char> name, string entryName)
    {
        if (_spellings is null)
        {
            return;
        }

        var (offset, length) = _spellingOf[node];
        var earlier = Encoding.UTF8.GetString(_spellings.Get(offset, length));
        if (!name.SequenceEqual(earlier))
        {
            throw EntryPathValidator.Unsafe(entryName,
                $"has the name '{EntryPathValidator.Display(name.ToString())}', which differs only in case from '{EntryPathValidator.Display(earlier)}' of an earlier entry in the same folder; where names ignore case (Windows, macOS) they would be one file");
        }
    }

    /// <summary>The UTF-8 form a name is kept and looked up in (folded to upper case where the file system ignores case).</summary>
    private ReadOnlySpan<byte> Key(ReadOnlySpan<char> name, Span<byte> buffer, out byte[]? rented)
    {
        rented = null;
        if (_foldCase)
        {
            var folded = new char[name.Length];
            name.ToUpperInvariant(folded);
            name = folded;
        }

        var max = Encoding.UTF8.GetMaxByteCount(name.Length);
        if (max > buffer.Length)
        {
            rented = System.Buffers.ArrayPool<byte>.Shared.Rent(max);
            buffer = rented;
        }

        return buffer[..Encoding.UTF8.GetBytes(name, buffer)];
    }

    private void Rehash(int size)
    {
        _buckets = new int[size];
        for (var id = 1; id < _count; id++)
        {
            Link(id);
        }
    }

    private void Link(int id)
    {
        ref var node = ref _nodes[id];
        ref var bucket = ref _buckets[Hash(node.Parent, _names.Get(node.NameOffset, node.NameLength)) & (_buckets.Length - 1)];
        node.Next = bucket;
        bucket = id + 1;
    }

    private int Depth(int node)
    {
        var depth = 0;
        for (var n = node; n != RootNode; n = _nodes[n].Parent)
        {
            depth++;
        }

        return depth;
    }

    // HashCode is seeded per process, so an archive cannot be built to collide in it.
    private static int Hash(int parent, ReadOnlySpan<byte> name)
    {
        var hash = new HashCode();
        hash.Add(parent);
        hash.AddBytes(name);
        return hash.ToHashCode();
    }

    private static string Describe(Kind kind) => kind switch
    {
        Kind.Folder => "folder",
        Kind.File => "file",
        _ => "symbolic link",
    };

    /// <summary>16 bytes per path.</summary>
    private struct Node
    {
        public int Parent;
        public int NameOffset;
        /// <summary>The next node in the same hash bucket, plus one (0 ends the chain).</summary>
        public int Next;
        public ushort NameLength;
        public Kind Kind;
    }
}
