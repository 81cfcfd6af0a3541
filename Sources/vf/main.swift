print("vf")
