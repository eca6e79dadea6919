# msgrad adjoint of Gate.construct (programs.py:61), wrt: self.w
def Gate_construct_adjoint(w, x):
    # line 62: if ops.sum(x) > 0: ...
    t1 = np.sum(x)
    t2 = t1 > 0
    if t2:
        # line 63: y = ops.exp(x) * self.w
        t3 = np.exp(x)
        y = t3 * w
    else:
        # line 65: y = x * x
        y = x * x
    # backward
    dy = np.ones_like(y)
    # line 62: if ops.sum(x) > 0: ...
    if t2:
        # line 63: y = ops.exp(x) * self.w
        dw = dy * t3
    else:
        dw = np.zeros_like(w)
    return dw,
