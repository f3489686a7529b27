# Prints the peak resident set size (KiB) of a command, the largest over `runs` runs.
import resource, subprocess, sys
runs, cmd = int(sys.argv[1]), sys.argv[2:]
peak = 0
for _ in range(runs):
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    subprocess.run(cmd, stdout=subprocess.DEVNULL, check=True)
    peak = max(peak, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
print(peak)
