from django.urls import path

from safeharbor.deadlines import views

app_name = "deadlines"
urlpatterns = [
    path("inbox/", views.inbox, name="inbox"),
    path("inbox/<int:pk>/read/", views.notification_read, name="read"),
    path("inbox/read-all/", views.notification_read_all, name="read-all"),
    path("duties/", views.duties, name="duties"),
    path("duties/board/", views.board, name="board"),
    path("duties/board/<int:pk>/reassign/", views.board_reassign, name="board-reassign"),
    path("duties/board/<int:pk>/remind/", views.board_remind, name="board-remind"),
]
