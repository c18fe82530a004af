// Classes run in parallel; each end-to-end class works in its own temporary workspace.
[assembly: Parallelize(Scope = ExecutionScope.ClassLevel, Workers = 2)]
