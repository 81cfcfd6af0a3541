print("vf-scale-bench: to be written")
