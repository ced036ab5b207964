// placeholder; replaced below
