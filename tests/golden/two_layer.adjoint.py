# msgrad adjoint of TwoLayer.construct (programs.py:32), wrt: x, target, self.w1, self.b1, self.w2
def TwoLayer_construct_adjoint(w1, b1, w2, x, target, dloss, dy):
    # line 33: h = ops.tanh(self.matmul(x, self.w1) + self.b1)
    h = x @ w1
    h += b1
    np.tanh(h, out=h)
    # line 34: y = h @ self.w2
    y = h @ w2
    # line 35: err = y - target
    err = y - target
    # line 36: loss = ops.mean(err ** 2)
    t6 = err ** 2
    loss = np.mean(t6)
    # backward
    check_sens(dloss, loss, 0)
    check_sens(dy, y, 1)
    # line 36: loss = ops.mean(err ** 2)
    dt6 = unreduce(dloss * (np.size(loss) / np.size(t6)), t6, None, False)
    derr = dt6 * 2 * err
    # line 35: err = y - target
    dy = dy + derr
    dtarget = -derr
    # line 34: y = h @ self.w2
    dh = dy @ w2.T
    dw2 = h.T @ dy
    # line 33: h = ops.tanh(self.matmul(x, self.w1) + self.b1)
    dt2 = dh * (1 - h * h)
    db1 = dt2.sum(axis=0)
    dx = dt2 @ w1.T
    dw1 = x.T @ dt2
    return dx, dtarget, dw1, db1, dw2
