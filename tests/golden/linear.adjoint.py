# msgrad adjoint of Linear.construct (programs.py:17), wrt: self.w, self.b
def Linear_construct_adjoint(w, b, x):
    # line 18: f = self.w * x + self.b
    t1 = w * x
    f = t1 + b
    # backward
    df = np.ones_like(f)
    # line 18: f = self.w * x + self.b
    dw = df * x
    return dw, df
