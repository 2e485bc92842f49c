"""The issue's figures 1-8, one module each (or two figures that share a process). Each
`measure(run)` returns Measurements, every one beside its baseline."""
