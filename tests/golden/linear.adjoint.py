# msgrad adjoint of Linear.construct (programs.py:17), wrt: self.w, self.b
def Linear_construct_adjoint(w, b, x):
    df = np.ones((1,), np.float64)
    # line 18: f = self.w * x + self.b
    dw = df * x
    return dw, df
