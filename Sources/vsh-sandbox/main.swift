print("vsh-sandbox: not built yet")
